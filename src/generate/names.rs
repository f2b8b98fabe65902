//! Embedded word lists for the synthetic data set: Louisiana parishes (with
//! their real LDOE codes and a rough relative high-school enrolment), towns,
//! people's names, charter and school name parts, credentials.
//!
//! Lists are comma-separated strings so multi-word entries stay one entry.

/// Splits a comma-separated list into trimmed, non-empty entries.
pub fn list(s: &'static str) -> Vec<&'static str> {
    s.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Parish and city districts: (code number, name, relative size). Codes 001–064
/// are the parishes in alphabetical order as LDOE numbers them; 065–069 city
/// and community systems. Sizes are rough high-school enrolments in hundreds.
pub const PARISHES: &[(u16, &str, u32)] = &[
    (1, "Acadia Parish", 27),
    (2, "Allen Parish", 11),
    (3, "Ascension Parish", 68),
    (4, "Assumption Parish", 10),
    (5, "Avoyelles Parish", 16),
    (6, "Beauregard Parish", 17),
    (7, "Bienville Parish", 5),
    (8, "Bossier Parish", 65),
    (9, "Caddo Parish", 98),
    (10, "Calcasieu Parish", 88),
    (11, "Caldwell Parish", 5),
    (12, "Cameron Parish", 4),
    (13, "Catahoula Parish", 4),
    (14, "Claiborne Parish", 5),
    (15, "Concordia Parish", 8),
    (16, "DeSoto Parish", 15),
    (17, "East Baton Rouge Parish", 115),
    (18, "East Carroll Parish", 3),
    (19, "East Feliciana Parish", 5),
    (20, "Evangeline Parish", 14),
    (21, "Franklin Parish", 7),
    (22, "Grant Parish", 8),
    (23, "Iberia Parish", 37),
    (24, "Iberville Parish", 11),
    (25, "Jackson Parish", 6),
    (26, "Jefferson Parish", 140),
    (27, "Jefferson Davis Parish", 15),
    (28, "Lafayette Parish", 100),
    (29, "Lafourche Parish", 45),
    (30, "LaSalle Parish", 7),
    (31, "Lincoln Parish", 19),
    (32, "Livingston Parish", 80),
    (33, "Madison Parish", 3),
    (34, "Morehouse Parish", 9),
    (35, "Natchitoches Parish", 16),
    (36, "Orleans Parish", 30),
    (37, "Ouachita Parish", 64),
    (38, "Plaquemines Parish", 12),
    (39, "Pointe Coupee Parish", 6),
    (40, "Rapides Parish", 70),
    (41, "Red River Parish", 4),
    (42, "Richland Parish", 9),
    (43, "Sabine Parish", 12),
    (44, "St. Bernard Parish", 25),
    (45, "St. Charles Parish", 33),
    (46, "St. Helena Parish", 3),
    (47, "St. James Parish", 10),
    (48, "St. John the Baptist Parish", 15),
    (49, "St. Landry Parish", 37),
    (50, "St. Martin Parish", 21),
    (51, "St. Mary Parish", 23),
    (52, "St. Tammany Parish", 120),
    (53, "Tangipahoa Parish", 58),
    (54, "Tensas Parish", 2),
    (55, "Terrebonne Parish", 50),
    (56, "Union Parish", 6),
    (57, "Vermilion Parish", 24),
    (58, "Vernon Parish", 24),
    (59, "Washington Parish", 16),
    (60, "Webster Parish", 18),
    (61, "West Baton Rouge Parish", 11),
    (62, "West Carroll Parish", 5),
    (63, "West Feliciana Parish", 7),
    (64, "Winn Parish", 6),
    (65, "City of Monroe School District", 23),
    (66, "City of Bogalusa School District", 6),
    (67, "Zachary Community School District", 19),
    (68, "City of Baker School District", 4),
    (69, "Central Community School District", 16),
];

/// Louisiana towns and neighbourhoods, for school names.
pub const TOWNS: &str = "Abbeville, Alexandria, Amite, Arcadia, Baker, Bastrop, Belle Chasse, \
    Bernice, Bogalusa, Boutte, Breaux Bridge, Broussard, Bunkie, Carencro, Chalmette, Church Point, \
    Clinton, Colfax, Covington, Crowley, Cut Off, Delcambre, Denham Springs, DeQuincy, DeRidder, \
    Donaldsonville, Erath, Eunice, Farmerville, Ferriday, Franklinton, Galliano, Gonzales, \
    Grand Isle, Gueydan, Hammond, Harahan, Haughton, Homer, Houma, Iota, Jena, Jennings, Jonesboro, \
    Kaplan, Kenner, Kentwood, Lafitte, Lake Arthur, Lake Charles, Leesville, Livonia, Lockport, \
    Luling, Lutcher, Mamou, Mandeville, Mansfield, Many, Marksville, Marrero, Metairie, Minden, \
    Morgan City, Napoleonville, Natchitoches, New Iberia, New Roads, Oak Grove, Oakdale, Opelousas, \
    Patterson, Pineville, Plaquemine, Ponchatoula, Port Allen, Raceland, Rayne, Rayville, Reserve, \
    Ruston, Scott, Shreveport, Slidell, Springhill, St. Francisville, St. Martinville, Sulphur, \
    Tallulah, Thibodaux, Vacherie, Vidalia, Ville Platte, Vinton, Walker, Welsh, West Monroe, \
    Westlake, Westwego, Winnfield, Winnsboro, Youngsville, Zwolle";

/// Names of people and places schools are named after.
pub const NAMESAKES: &str = "Belaire, Broadmoor, Capitol, Istrouma, McKinley, Scotlandville, \
    Woodlawn, Tara, Glen Oaks, Northside, Southside, Acadiana, Comeaux, Carver, Peabody, \
    Bolton, Huntington, Captain Shreve, Byrd, Fair Park, Southwood, Airline, Parkway, Benton, \
    Barbe, Grand Lake, Riverside, Destrehan, Hahnville, Fontainebleau, Lakeshore, Northshore, \
    Salmen, Pearl River, Live Oak, Holden, Albany, Dutchtown, East Ascension, St. Amant, \
    Ellender, Terrebonne, Vandebilt, Central Lafourche, South Lafourche, Ovey Comeaux, \
    Lafayette, Teurlings, Northwest, Westgate, Loranger, Independence, Bonnabel, Grace King, \
    Riverdale, Higgins, Ehret, John Curtis, Chalmette, Sophie B. Wright, Warren Easton, \
    Edna Karr, McDonogh, Lusher, Franklin, Wossman, Neville, Ouachita, Sterlington";

/// School name suffixes for parish high schools.
pub const SCHOOL_KINDS: &str = "High School, High School, High School, High School, \
    Magnet High School, Senior High School, Career and Technical High School, Academy";

/// First words of charter LEA names.
pub const CHARTER_FIRST: &str = "Bayou, Crescent City, Pelican, Magnolia, Cypress, Delta, \
    Acadiana, Red River, Atchafalaya, Sabine, Pontchartrain, Evangeline, Riverbend, \
    Southern Pine, Gulf Coast, Mid-City, Lakefront, Northshore, Capitol City, Cane River, \
    Teche, Vermilion, Live Oak, Bluebonnet, Coastal, Sugarland, Creole, Canebrake, \
    Louisiana, Greater Ouachita, New Orleans, Algiers, Gentilly, Treme, Westbank";

/// Last words of charter LEA names.
pub const CHARTER_LAST: &str = "Preparatory Academy, Collegiate Academy, Leadership Academy, \
    STEM Academy, Charter High School, Early College Academy, Career Academy, \
    Technical Academy, Scholars Academy, Arts and Sciences Academy, Virtual Academy, \
    College Prep, Community School, Classical Academy";

/// Campus names for a charter LEA's second and later schools.
pub const CAMPUSES: &str = "North Campus, South Campus, East Campus, West Campus, \
    Downtown Campus, Uptown Campus, Riverside Campus, Lakeside Campus";

/// Given names, with some French/Creole and accented ones (NFC).
pub const FIRST: &str = "Aaliyah, Aiden, Alexis, Alyssa, Amari, Andre, Angel, Anthony, \
    Ariana, Ashton, Aubrey, Austin, Ava, Avery, Bailey, Bella, Benjamin, Blake, Brandon, \
    Brayden, Brianna, Brooke, Caleb, Cameron, Camille, Carter, Cecile, Chloe, Christian, \
    Claire, Clement, Colby, Connor, Cooper, Dakota, Damien, Daniel, Darius, David, Deja, \
    Destiny, Devin, Dominic, Dylan, Elijah, Elise, Ella, Emily, Emma, Ethan, Evan, Gabriel, \
    Gabrielle, Gavin, Genevieve, Grace, Hailey, Hannah, Hayden, Hunter, Imani, Isaac, \
    Isabella, Jackson, Jacob, Jada, Jaden, Jalen, Jamal, James, Jasmine, Jayden, \
    Jean-Luc, Jenna, Jeremiah, Joel, John, Jordan, Joseph, Joshua, Josiah, Julian, Julien, \
    Justin, Kaden, Kayla, Kendall, Kennedy, Kevin, Khalil, Kiara, Landon, Laila, Lauren, \
    Layla, Leah, Liam, Lillian, Logan, Lucas, Luke, Madeline, Madison, Makayla, Malik, \
    Marcus, Marie, Mason, Matthew, Maya, Mia, Micah, Michael, Mya, Natalie, Nathan, \
    Nevaeh, Nicholas, Noah, Nolan, Olivia, Owen, Paige, Peyton, Reagan, Remy, Renée, \
    Riley, Samuel, Sarah, Savannah, Sebastian, Sophia, Sydney, Taylor, Terrence, Théo, \
    Trinity, Tristan, Tyler, Victoria, Wyatt, Xavier, Zachary, Zoe, Andrés, José, Sofía, \
    Linh, Minh, Thao, Bao, Mai";

/// Surnames, Cajun/Creole-heavy, some with apostrophes, hyphens and accents.
pub const LAST: &str = "Boudreaux, Thibodeaux, Hebert, Hébert, Landry, LeBlanc, Broussard, \
    Guidry, Fontenot, Richard, Arceneaux, Babineaux, Comeaux, Doucet, Guillory, Melancon, \
    Robichaux, Savoie, Trahan, Breaux, Credeur, Dugas, Gautreaux, Hidalgo, Istre, Judice, \
    Lanclos, Mouton, Naquin, Ortego, Pitre, Quebedeaux, Romero, Sonnier, Theriot, Venable, \
    Bergeron, Benoit, Bourgeois, Champagne, Cormier, Daigle, Domingue, Duhon, Dupuis, \
    Fontenot, Gaspard, Granger, Guilbeau, Hanks, LaFleur, Lemaire, Leger, Marceaux, Menard, \
    Mire, Prejean, Reaux, Rivet, Roy, Schexnayder, Simoneaux, St. Romain, Toups, Vidrine, \
    Johnson, Williams, Jackson, Brown, Smith, Jones, Davis, Washington, Harris, Robinson, \
    Thomas, Lewis, Taylor, Moore, Anderson, Wilson, Miller, Walker, Young, Allen, Scott, \
    Green, Baker, Hall, Wright, King, Hill, Mitchell, Carter, Turner, Phillips, Campbell, \
    Parker, Evans, Edwards, Collins, Stewart, Morris, Rogers, Reed, Cook, Morgan, Bell, \
    Murphy, Bailey, Cooper, Howard, Ward, Cox, Gray, James, Watson, Brooks, Kelly, Sanders, \
    Price, Bennett, Wood, Barnes, Ross, Henderson, Coleman, Jenkins, Perry, Powell, Long, \
    Patterson, Hughes, Butler, Simmons, Foster, Bryant, Alexander, Russell, Griffin, Hayes, \
    Myers, Ford, Hamilton, Graham, Sullivan, Wallace, Woods, Cole, West, Jordan, Owens, \
    Reynolds, Fisher, Ellis, Harrison, Gibson, McDonald, Cruz, Marshall, Ortiz, Gomez, \
    Murray, Freeman, Wells, Webb, Simpson, Stevens, Tucker, Porter, Hunter, Hicks, Crawford, \
    Boyd, Mason, Warren, Dixon, Ramos, Burns, Gordon, Shaw, Holmes, Rice, Robertson, Hunt, \
    Black, Daniels, Palmer, Mills, Nichols, Grant, Knight, Ferguson, Rose, Stone, Hawkins, \
    Dunn, Perkins, Hudson, Spencer, Gardner, Stephens, Payne, Pierce, Berry, Matthews, \
    Arnold, Wagner, Willis, Ray, Watkins, Olson, Carroll, Duncan, Snyder, Hart, Cunningham, \
    Bradley, Lane, Andrews, Ruiz, Harper, Fox, Riley, Armstrong, Nguyen, Tran, Pham, Le, \
    Vo, O'Neal, O'Brien, D'Antoni, Jean-Baptiste, Dupré, Villeré, Mouledoux, Batiste, \
    Celestine, Charles, Francois, Jean-Louis, Metoyer, Pierre, Rachal, Sylvester, Augustine";

/// Complementary credentials a student may use toward graduation.
pub const CREDENTIALS: &str = "OSHA 10 General Industry, ServSafe Food Handler, \
    NCCER Core, Microsoft Office Specialist Word, Microsoft Office Specialist Excel, \
    CompTIA IT Fundamentals, Certified Nursing Assistant, Autodesk Certified User AutoCAD, \
    Adobe Certified Professional, NRF Customer Service and Sales, \
    Entrepreneurship and Small Business, Google IT Support, ACT WorkKeys NCRC Silver, \
    Certified Pharmacy Technician, Basic Life Support, Welding NCCER Level 1, \
    EPA Section 608, QuickBooks Certified User";

/// How the Micro-Enterprise credential is written when a student lists it.
pub const MICRO_ENTERPRISE: &str = "Micro-Enterprise Credential, MICRO-ENTERPRISE, \
    Micro Enterprise, Micro-Enterprise";

/// Substitute Self-Assessment instruments (SA-SUBSTITUTE).
pub const SUBSTITUTES: &str = "Kuder, Kuder, Kuder Career Interest Assessment, KUDER, YouScience";

/// Notes a school writes now and then.
pub const NOTES: &str = "Transferred in mid-year, IEP accommodations on file, \
    Mentor changed in October, Presentation rescheduled, Checklist sent by email, \
    Parent meeting held, Dual enrollment student, Attends the regional technical center, \
    Absent for exam date";

/// Exam providers (the Provider column is optional, sometimes blank).
pub const PROVIDERS: &str = "Precision Exams, Precision Exams, Precision Exams, \
    Louisiana Business Council";

/// The lists split once per run.
#[derive(Debug)]
pub struct Lists {
    /// Given names.
    pub first: Vec<&'static str>,
    /// Surnames.
    pub last: Vec<&'static str>,
    /// Notes.
    pub notes: Vec<&'static str>,
    /// Complementary credentials (not the Micro-Enterprise one).
    pub credentials: Vec<&'static str>,
    /// Spellings of the Micro-Enterprise credential.
    pub micro: Vec<&'static str>,
    /// Substitute instruments.
    pub substitutes: Vec<&'static str>,
    /// Exam providers.
    pub providers: Vec<&'static str>,
}

impl Lists {
    /// Splits every embedded list.
    pub fn new() -> Lists {
        Lists {
            first: list(FIRST),
            last: list(LAST),
            notes: list(NOTES),
            credentials: list(CREDENTIALS),
            micro: list(MICRO_ENTERPRISE),
            substitutes: list(SUBSTITUTES),
            providers: list(PROVIDERS),
        }
    }
}
