<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="nl_NL">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Over Van Bod naar Plot</source>
        <translation>About Van Bod naar Plot</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Van Bod naar Plot&lt;/h2&gt;&lt;p&gt;Versie {version}&lt;/p&gt;&lt;p&gt;Van de opgave ouderenhuisvesting (het bod) naar gereserveerde locaties op de kaart: kavels scoren op loopafstand tot zorg, winkels en OV, het bod bijhouden, locaties reserveren met partners en de kaart exporteren.&lt;/p&gt;&lt;p&gt;Alle normen en gewichten zijn voorinstellingen met een bron (zie de tooltip bij elk criterium), geen officiële normen. Kaarten en scores zijn indicatief; aan deze kaart kunnen geen rechten worden ontleend.&lt;/p&gt;&lt;p&gt;Open source onder de MIT-licentie.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Van Bod naar Plot&lt;/h2&gt;&lt;p&gt;Version {version}&lt;/p&gt;&lt;p&gt;From the senior-housing target (the bod) to reserved locations on the map: plots scored on walking distance to care, shops and public transport, the bod ledger, reservations with partners and map exports.&lt;/p&gt;&lt;p&gt;All norms and weights are presets with a source (see the tooltip of each criterion), not official norms. Maps and scores are indicative; no rights can be derived from this map.&lt;/p&gt;&lt;p&gt;Open source under the MIT licence.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Over</source>
        <translation>About</translation>
    </message>
    <message>
        <source>Vermeld bij hergebruik van kaarten en exports de naamsvermelding van elke bron:</source>
        <translation>When you reuse maps and exports, credit each source with its attribution line:</translation>
    </message>
    <message>
        <source>Gegevens</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>Houder</source>
        <translation>Holder</translation>
    </message>
    <message>
        <source>Licentie</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>Naamsvermelding</source>
        <translation>Attribution</translation>
    </message>
    <message>
        <source>Gegevensbronnen</source>
        <translation>Data sources</translation>
    </message>
    <message>
        <source>Software en licenties</source>
        <translation>Software and licences</translation>
    </message>
</context>
<context>
    <name>AddPlotCommand</name>
    <message>
        <source>Kavel tekenen</source>
        <translation>Draw plot</translation>
    </message>
    <message>
        <source>Kavel tekenen: {plot}</source>
        <translation>Draw plot: {plot}</translation>
    </message>
    <message>
        <source>Kavel {plot} toegevoegd ({area} m²).</source>
        <translation>Plot {plot} added ({area} m²).</translation>
    </message>
</context>
<context>
    <name>BagAcceptCommand</name>
    <message>
        <source>BAG-voortgang: {status}</source>
        <translation>BAG progress: {status}</translation>
    </message>
</context>
<context>
    <name>BagProgressDialog</name>
    <message>
        <source>BAG-voortgang</source>
        <translation>BAG progress</translation>
    </message>
    <message>
        <source>onbekend</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>geen BAG-laag in het project</source>
        <translation>no BAG layer in the project</translation>
    </message>
    <message>
        <source>BAG-extract met stand {stand}, vergeleken met: {base}. Voorstellen voor een nieuwe status: {n}. Aanvaarden zet de status (met het bewijs in de notities, terug te zien in de geschiedenis); afwijzen onthoudt het voorstel, dat pas terugkomt als de BAG iets nieuws laat zien.</source>
        <translation>BAG extract as of {stand}, compared with: {base}. Proposals for a new status: {n}. Accepting sets the status (with the evidence in the notes, visible in the history); rejecting remembers the proposal, which only comes back when the BAG shows something new.</translation>
    </message>
    <message>
        <source>Kavel</source>
        <translation>Plot</translation>
    </message>
    <message>
        <source>Categorie</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Nu</source>
        <translation>Now</translation>
    </message>
    <message>
        <source>Voorstel</source>
        <translation>Proposal</translation>
    </message>
    <message>
        <source>Woningen (BAG)</source>
        <translation>Homes (BAG)</translation>
    </message>
    <message>
        <source>Bewijs uit de BAG</source>
        <translation>Evidence from the BAG</translation>
    </message>
    <message>
        <source>Besluit</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>Per object: identificatie, status, gebruiksdoel en datum</source>
        <translation>Per object: identificatie, status, gebruiksdoel and date</translation>
    </message>
    <message>
        <source> (nieuw)</source>
        <translation> (new)</translation>
    </message>
    <message>
        <source>Toelichting (geen voorstel):</source>
        <translation>Explanation (no proposal):</translation>
    </message>
    <message>
        <source>Let op: {w}</source>
        <translation>Note: {w}</translation>
    </message>
    <message>
        <source>Meldingen bij het lezen van het extract: {n} (wijs aan voor de tekst).</source>
        <translation>Messages while reading the extract: {n} (point at it for the text).</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>{n} nieuw (gereserveerd {lo}–{hi})</source>
        <translation>{n} new (reserved {lo}–{hi})</translation>
    </message>
    <message>
        <source>{n} gevormd</source>
        <translation>{n} gevormd (planned)</translation>
    </message>
    <message>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <source>Kavel {plot} ({status}): {text}</source>
        <translation>Plot {plot} ({status}): {text}</translation>
    </message>
    <message>
        <source>{n} eerder afgewezen voorstel(len) op hetzelfde bewijs zijn niet getoond.</source>
        <translation>{n} earlier rejected proposal(s) on the same evidence are not shown.</translation>
    </message>
    <message>
        <source>Aanvaarden</source>
        <translation>Accept</translation>
    </message>
    <message>
        <source>Afwijzen</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>aanvaard: {status}</source>
        <translation>accepted: {status}</translation>
    </message>
    <message>
        <source>afgewezen</source>
        <translation>rejected</translation>
    </message>
</context>
<context>
    <name>BodHistoryChart</name>
    <message>
        <source>zeker</source>
        <translation>certain</translation>
    </message>
    <message>
        <source>in beeld</source>
        <translation>in view</translation>
    </message>
    <message>
        <source>gerealiseerd</source>
        <translation>realised</translation>
    </message>
    <message>
        <source>opgave (alle perioden)</source>
        <translation>target (all periods)</translation>
    </message>
    <message>
        <source>opgave, gelijk verdeeld t/m het eindjaar</source>
        <translation>target, spread evenly up to the end year</translation>
    </message>
    <message>
        <source>vlak: minimum tot maximum</source>
        <translation>band: minimum to maximum</translation>
    </message>
    <message>
        <source>{0}: het bod per maand (woningen)</source>
        <translation>{0}: the bod per month (homes)</translation>
    </message>
    <message>
        <source>{0}: opgeleverd t/m elk jaar tegen de opgave (woningen)</source>
        <translation>{0}: delivered up to each year against the target (homes)</translation>
    </message>
    <message>
        <source>Nog geen stand van het bod.</source>
        <translation>No state of the bod yet.</translation>
    </message>
    <message>
        <source>Geen opgave en geen reserveringen met opleverjaren.</source>
        <translation>No target and no reservations with delivery years.</translation>
    </message>
    <message>
        <source>Nog geen opgave en geen reserveringen: er is nog geen verloop.</source>
        <translation>No target and no reservations yet: there is no history yet.</translation>
    </message>
</context>
<context>
    <name>BodHistoryDialog</name>
    <message>
        <source>Verloop van het bod</source>
        <translation>History of the bod</translation>
    </message>
    <message>
        <source>Woonvorm</source>
        <translation>Housing type</translation>
    </message>
    <message>
        <source>Het verloop wordt berekend …</source>
        <translation>Computing the history …</translation>
    </message>
    <message>
        <source>Het verloop kon niet worden berekend: {0} {1}</source>
        <translation>The history could not be computed: {0} {1}</translation>
    </message>
    <message>
        <source>Het bod per maand: zeker, in beeld en gerealiseerd aan het eind van elke maand, herbouwd uit het wijzigingslogboek; alle perioden van de woonvorm samen. Opgeleverd t/m elk jaar: de woningen opgeteld per opleverjaar, tegen de opgave als die gelijk over de jaren van haar periode gehaald wordt.</source>
        <translation>The bod per month: certain, in view and realised at the end of each month, rebuilt from the change log; all periods of the housing type together. Delivered up to each year: the homes added up per delivery year, against the target if it is reached evenly over the years of its period.</translation>
    </message>
    <message>
        <source>Stand op {0}.</source>
        <translation>As of {0}.</translation>
    </message>
</context>
<context>
    <name>CandidatesDialog</name>
    <message>
        <source>Kansen zoeken</source>
        <translation>Find opportunities</translation>
    </message>
    <message>
        <source>{n} voorgestelde locaties. Vink aan wat u als kavel wilt overnemen; daarna worden ze gescoord zoals elke kavel. {d} voorstellen vallen samen met bestaande kavels en staan niet in de lijst.</source>
        <translation>{n} proposed locations. Tick what you want to take over as plots; they are then scored like any plot. {d} proposals coincide with existing plots and are not listed.</translation>
    </message>
    <message>
        <source>Overnemen</source>
        <translation>Take over</translation>
    </message>
    <message>
        <source>Naam</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Waarom</source>
        <translation>Why</translation>
    </message>
    <message>
        <source>Soort</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>m²</source>
        <translation>m²</translation>
    </message>
    <message>
        <source>Woonvorm</source>
        <translation>Housing type</translation>
    </message>
    <message>
        <source>Alles aanvinken</source>
        <translation>Tick all</translation>
    </message>
    <message>
        <source>Niets aanvinken</source>
        <translation>Untick all</translation>
    </message>
    <message>
        <source>Aangevinkte overnemen</source>
        <translation>Take over ticked</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>ChoroplethLayer</name>
    <message>
        <source>geen cijfer</source>
        <translation>no figure</translation>
    </message>
    <message>
        <source>0 of minder</source>
        <translation>0 or less</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Twee locaties vergelijken</source>
        <translation>Compare two locations</translation>
    </message>
    <message>
        <source>Vetgedrukt: de beste van de twee.</source>
        <translation>Bold: the better of the two.</translation>
    </message>
    <message>
        <source>naast</source>
        <translation>beside</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Plaats in de ranglijst</source>
        <translation>Position in the ranking</translation>
    </message>
    <message>
        <source>Onenigheid</source>
        <translation>Disagreement</translation>
    </message>
    <message>
        <source>Capaciteit (max. woningen)</source>
        <translation>Capacity (max. homes)</translation>
    </message>
    <message>
        <source>Oppervlakte</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Bestemming</source>
        <translation>Zoning</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>ja</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>nee (ingetrokken)</source>
        <translation>no (withdrawn)</translation>
    </message>
    <message>
        <source>Wijziging van iemand anders</source>
        <translation>Change by someone else</translation>
    </message>
    <message>
        <source>Iemand anders heeft deze reservering gewijzigd</source>
        <translation>Someone else has changed this reservation</translation>
    </message>
    <message>
        <source>Uw wijziging is niet opgeslagen, zodat die van de ander niet verloren gaat. Laad de reservering opnieuw en voer uw wijziging zo nodig nog eens in.</source>
        <translation>Your change was not saved, so the other person&apos;s change is not lost. Reload the reservation and enter your change again if still needed.</translation>
    </message>
    <message>
        <source>Veld</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Opgeslagen (ander)</source>
        <translation>Saved (other user)</translation>
    </message>
    <message>
        <source>Uw invoer</source>
        <translation>Your input</translation>
    </message>
    <message>
        <source>Opnieuw laden</source>
        <translation>Reload</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>CriteriaPanel</name>
    <message>
        <source>Woonvorm en de criteria die daarbij horen</source>
        <translation type="vanished">Housing type and its criteria</translation>
    </message>
    <message>
        <source>Met wiens weging wordt gescoord: het gemiddelde van de partijen, één partij of uw eigen schuifjes</source>
        <translation>Whose weighting is used: the mean of the parties, one party, or your own sliders</translation>
    </message>
    <message>
        <source>Alle getallen zijn voorinstellingen, geen officiële normen.</source>
        <translation type="vanished">All numbers are presets, not official standards.</translation>
    </message>
    <message>
        <source>Woningcategorie en de criteria die daarbij horen</source>
        <translation>Housing category and its criteria</translation>
    </message>
    <message>
        <source>Toelichting</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <source>De toelichting bij dit profiel tonen of verbergen</source>
        <translation>Show or hide the explanation of this profile</translation>
    </message>
    <message>
        <source>Voorinstellingen, geen officiële normen.</source>
        <translation>Presets, not official standards.</translation>
    </message>
    <message>
        <source>Alle getallen zijn voorinstellingen om te bespreken, geen officiële normen.</source>
        <translation>All figures are presets for discussion, not official standards.</translation>
    </message>
    <message>
        <source>Herstel voorinstelling</source>
        <translation>Restore preset</translation>
    </message>
    <message>
        <source>Gewichten, normen en partijweergave terug naar het ingebouwde profiel</source>
        <translation>Weights, standards and party view back to the built-in profile</translation>
    </message>
    <message>
        <source>Profiel</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>Weging</source>
        <translation>Weighting</translation>
    </message>
    <message>
        <source>Gewichten</source>
        <translation>Weights</translation>
    </message>
    <message>
        <source>Consensus (gemiddelde)</source>
        <translation>Consensus (mean)</translation>
    </message>
    <message>
        <source>Eigen weging (schuifjes)</source>
        <translation>Own weighting (sliders)</translation>
    </message>
    <message>
        <source>Bron: {0}</source>
        <translation>Source: {0}</translation>
    </message>
    <message>
        <source>Gewicht {0}</source>
        <translation>Weight {0}</translation>
    </message>
    <message>
        <source>Norm…</source>
        <translation>Standard…</translation>
    </message>
    <message>
        <source>Norm en verloop van {0} aanpassen</source>
        <translation>Adjust standard and curve of {0}</translation>
    </message>
    <message>
        <source>telt niet mee</source>
        <translation>does not count</translation>
    </message>
    <message>
        <source>{0}. Dit criterium telt niet mee in de score; de andere gewichten zijn herschaald.</source>
        <translation>{0}. This criterion does not count towards the score; the other weights have been rescaled.</translation>
    </message>
    <message>
        <source>Norm niet aangepast</source>
        <translation>Standard not changed</translation>
    </message>
</context>
<context>
    <name>DeletePlotCommand</name>
    <message>
        <source>Kavel verwijderen: {plot}</source>
        <translation>Delete plot: {plot}</translation>
    </message>
</context>
<context>
    <name>DemandPanel</name>
    <message>
        <source>Afgeleide opgave {cat}</source>
        <extracomment>What the choropleth can show: key → Dutch label (the category keys are added per model).</extracomment>
        <translation>Derived target {cat}</translation>
    </message>
    <message>
        <source>Vraag uit de demografie</source>
        <translation>Demand from demographics</translation>
    </message>
    <message>
        <source>horizon </source>
        <translation>horizon </translation>
    </message>
    <message>
        <source>Op de kaart</source>
        <translation>On the map</translation>
    </message>
    <message>
        <source>Nog geen project.</source>
        <translation>No project yet.</translation>
    </message>
    <message>
        <source>categorie</source>
        <translation>category</translation>
    </message>
    <message>
        <source>bod</source>
        <translation>bod</translation>
    </message>
    <message>
        <source>afgeleid</source>
        <translation>derived</translation>
    </message>
    <message>
        <source>verschil</source>
        <translation>difference</translation>
    </message>
    <message>
        <source>bestaand</source>
        <translation>existing</translation>
    </message>
    <message>
        <source>wijk</source>
        <translation>district</translation>
    </message>
    <message>
        <source>behoefte</source>
        <translation>need</translation>
    </message>
    <message>
        <source>gereserveerd</source>
        <translation>reserved</translation>
    </message>
    <message>
        <source>tekort</source>
        <translation>shortfall</translation>
    </message>
    <message>
        <source>65+</source>
        <translation>65+</translation>
    </message>
    <message>
        <source>Opgave</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>Per wijk</source>
        <translation>By district</translation>
    </message>
    <message>
        <source>CBS en lopen</source>
        <translation>CBS and walking</translation>
    </message>
    <message>
        <source>Bronnen</source>
        <translation>Sources</translation>
    </message>
    <message>
        <source>De vraag wordt berekend …</source>
        <translation>Calculating demand …</translation>
    </message>
    <message>
        <source>De vraag kon niet worden berekend: {m} {h}</source>
        <translation>The demand could not be calculated: {m} {h}</translation>
    </message>
    <message>
        <source>{where} {h} (schatting), afgeleide opgave:</source>
        <translation>{where} {h} (estimate), derived target:</translation>
    </message>
    <message>
        <source>Gemeente</source>
        <translation>Municipality</translation>
    </message>
    <message>
        <source>bod {n} lager</source>
        <translation>bod {n} lower</translation>
    </message>
    <message>
        <source>bod {n} hoger</source>
        <translation>bod {n} higher</translation>
    </message>
    <message>
        <source>geen lijst</source>
        <translation>no list</translation>
    </message>
    <message>
        <source>n.v.t.</source>
        <translation>n/a</translation>
    </message>
    <message>
        <source>buurt</source>
        <translation>neighbourhood</translation>
    </message>
    <message>
        <source>gebied</source>
        <translation>area</translation>
    </message>
    <message>
        <source>CBS-afstand en loopafstand</source>
        <translation>CBS distance and walking distance</translation>
    </message>
    <message>
        <source>Geen CBS-afstanden of geen loopnetwerk in dit project.</source>
        <translation>No CBS distances or no walking network in this project.</translation>
    </message>
    <message>
        <source>CBS weg</source>
        <translation>CBS by road</translation>
    </message>
    <message>
        <source>lopen 65+</source>
        <translation>walking 65+</translation>
    </message>
    <message>
        <source>in netwerk</source>
        <translation>in network</translation>
    </message>
    <message>
        <source>Waarom ze verschillen: </source>
        <translation>Why they differ: </translation>
    </message>
    <message>
        <source>Verdeling over de wijk: </source>
        <translation>Distribution over the district: </translation>
    </message>
    <message>
        <source>Opmerkingen:</source>
        <translation>Remarks:</translation>
    </message>
    <message>
        <source>Bronnen:</source>
        <translation>Sources:</translation>
    </message>
    <message>
        <source>Vraag: {m} ({h}, schatting)</source>
        <translation>Demand: {m} ({h}, estimate)</translation>
    </message>
    <message>
        <source>geen tekort</source>
        <translation>no shortfall</translation>
    </message>
    <message>
        <source>0</source>
        <translation>0</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Er ging iets mis</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Exporteren</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Wat exporteren</source>
        <translation>What to export</translation>
    </message>
    <message>
        <source>Kaart gereserveerde locaties (PDF)</source>
        <translation>Map of reserved locations (PDF)</translation>
    </message>
    <message>
        <source>Dossier per locatie (PDF)</source>
        <translation>Dossier per location (PDF)</translation>
    </message>
    <message>
        <source>Interactieve webkaart (HTML, werkt offline)</source>
        <translation>Interactive web map (HTML, works offline)</translation>
    </message>
    <message>
        <source>GeoPackage voor GIS-collega&apos;s (met QGIS-stijlen)</source>
        <translation>GeoPackage for GIS colleagues (with QGIS styles)</translation>
    </message>
    <message>
        <source>Bijlage als CSV</source>
        <translation>Annex as CSV</translation>
    </message>
    <message>
        <source>Bijlage als Excel (XLSX)</source>
        <translation>Annex as Excel (XLSX)</translation>
    </message>
    <message>
        <source>Kaart (PDF)</source>
        <translation>Map (PDF)</translation>
    </message>
    <message>
        <source>standaard: Gereserveerde locaties ouderenhuisvesting — project</source>
        <translation>default: Reserved locations for senior housing — project</translation>
    </message>
    <message>
        <source>Gereserveerde locaties</source>
        <translation>Reserved locations</translation>
    </message>
    <message>
        <source>Alle kavels</source>
        <translation>All plots</translation>
    </message>
    <message>
        <source>Liggend</source>
        <translation>Landscape</translation>
    </message>
    <message>
        <source>Staand</source>
        <translation>Portrait</translation>
    </message>
    <message>
        <source>Webkaart met PDOK-achtergrond (alleen online)</source>
        <translation>Web map with PDOK background (online only)</translation>
    </message>
    <message>
        <source>Titel</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>Kaartbeeld</source>
        <translation>Map view</translation>
    </message>
    <message>
        <source>Papier</source>
        <translation>Paper</translation>
    </message>
    <message>
        <source>Richting</source>
        <translation>Orientation</translation>
    </message>
    <message>
        <source>Kiezen…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Folder</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>◀ Vorige</source>
        <translation>◀ Previous</translation>
    </message>
    <message>
        <source>Volgende ▶</source>
        <translation>Next ▶</translation>
    </message>
    <message>
        <source>Geen project geopend.</source>
        <translation>No project open.</translation>
    </message>
    <message>
        <source>Voorbeeld wordt opgemaakt…</source>
        <translation>Preparing preview…</translation>
    </message>
    <message>
        <source>Het voorbeeld kon niet worden gemaakt: {error}</source>
        <translation>The preview could not be made: {error}</translation>
    </message>
    <message>
        <source>kaart</source>
        <translation>map</translation>
    </message>
    <message>
        <source>Blad {i} van {n} — {what}</source>
        <translation>Page {i} of {n} — {what}</translation>
    </message>
    <message>
        <source>Weging van de scores: {label}</source>
        <translation>Weighting of the scores: {label}</translation>
    </message>
    <message>
        <source>In de bijlage:</source>
        <translation>In the annex:</translation>
    </message>
    <message>
        <source>Nog geen vastgelegde scoreronde voor {cats}: die wordt bij Exporteren vastgelegd en in de bijlage vermeld.</source>
        <translation>No scoring round locked in yet for {cats}: one will be locked in on Export and mentioned in the annex.</translation>
    </message>
    <message>
        <source>Map voor de export</source>
        <translation>Folder for the export</translation>
    </message>
    <message>
        <source>Geëxporteerd: {f}</source>
        <translation>Exported: {f}</translation>
    </message>
</context>
<context>
    <name>FetchDialog</name>
    <message>
        <source>Gegevens ophalen</source>
        <translation>Fetch data</translation>
    </message>
    <message>
        <source>Gebied</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Gemeente</source>
        <translation>Municipality</translation>
    </message>
    <message>
        <source>Kader (RD-meters)</source>
        <translation>Frame (RD metres)</translation>
    </message>
    <message>
        <source>naam of CBS-code, bijv. Delft of 0503</source>
        <translation>name or CBS code, e.g. Delft or 0503</translation>
    </message>
    <message>
        <source>minx,miny,maxx,maxy, bijv. 83000,444000,87000,448000</source>
        <translation>minx,miny,maxx,maxy, e.g. 83000,444000,87000,448000</translation>
    </message>
    <message>
        <source>Huidig kaartbeeld</source>
        <translation>Current map view</translation>
    </message>
    <message>
        <source>Gegevens</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>BAG-panden en verblijfsobjecten (PDOK)</source>
        <translation>BAG buildings and addresses (PDOK)</translation>
    </message>
    <message>
        <source>Voorzieningen en looppaden (OpenStreetMap)</source>
        <translation>Facilities and footpaths (OpenStreetMap)</translation>
    </message>
    <message>
        <source>Bestemmingsplannen (Ruimtelijke Plannen API)</source>
        <translation>Zoning plans (Ruimtelijke Plannen API)</translation>
    </message>
    <message>
        <source>CBS-buurten met inwoners en leeftijden (PDOK)</source>
        <translation>CBS neighbourhoods with residents and ages (PDOK)</translation>
    </message>
    <message>
        <source>Achtergrondkaart voor offline gebruik (BRT-tegels)</source>
        <translation>Base map for offline use (BRT tiles)</translation>
    </message>
    <message>
        <source>nodig voor bestemmingsplannen</source>
        <translation>needed for zoning plans</translation>
    </message>
    <message>
        <source>De sleutel wordt bewaard in uw gebruikersinstellingen op deze computer, nooit in het project.</source>
        <translation>The key is kept in your user settings on this computer, never in the project.</translation>
    </message>
    <message>
        <source>Opnieuw ophalen (cache negeren)</source>
        <translation>Fetch again (ignore the cache)</translation>
    </message>
    <message>
        <source>API-sleutel Ruimtelijke Plannen</source>
        <translation>Ruimtelijke Plannen API key</translation>
    </message>
    <message>
        <source>Kies een gebied en de gegevens, en klik op Ophalen.</source>
        <translation>Choose an area and the data, then click Fetch.</translation>
    </message>
    <message>
        <source>Hier verschijnt per gegevensset wat er is opgehaald.</source>
        <translation>What was fetched appears here, per data set.</translation>
    </message>
    <message>
        <source>Ophalen</source>
        <translation>Fetch</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Lijst met gemeenten laden…</source>
        <translation>Loading the list of municipalities…</translation>
    </message>
    <message>
        <source>Kies ten minste één soort gegevens.</source>
        <translation>Choose at least one kind of data.</translation>
    </message>
    <message>
        <source>Vink bijv. BAG-panden aan.</source>
        <translation>Tick e.g. BAG buildings.</translation>
    </message>
    <message>
        <source>Geen gebied gekozen.</source>
        <translation>No area chosen.</translation>
    </message>
    <message>
        <source>Vul een gemeente in, of een kader in RD-meters (of klik op Huidig kaartbeeld).</source>
        <translation>Enter a municipality, or a frame in RD metres (or click Current map view).</translation>
    </message>
    <message>
        <source>Bezig met ophalen…</source>
        <translation>Fetching…</translation>
    </message>
    <message>
        <source>Annuleren… (stopt na de lopende aanvraag)</source>
        <translation>Cancelling… (stops after the current request)</translation>
    </message>
    <message>
        <source>Klaar: alle gegevens zijn opgehaald en staan op de kaart.</source>
        <translation>Done: all data was fetched and is on the map.</translation>
    </message>
    <message>
        <source>Klaar, maar {n} gegevensset(s) mislukt; zie hieronder.</source>
        <translation>Done, but {n} data set(s) failed; see below.</translation>
    </message>
    <message>
        <source>Mislukt: {message}</source>
        <translation>Failed: {message}</translation>
    </message>
    <message>
        <source>Ophalen geannuleerd. Wat al volledig was opgeslagen, blijft in het project.</source>
        <translation>Fetch cancelled. Whatever was already stored completely stays in the project.</translation>
    </message>
</context>
<context>
    <name>HelpDialog</name>
    <message>
        <source>Handleiding — Van Bod naar Plot</source>
        <translation type="vanished">User guide — Van Bod naar Plot</translation>
    </message>
    <message>
        <source>Handleiding</source>
        <translation>User guide</translation>
    </message>
    <message>
        <source># Handleiding

De handleiding staat in `docs/handleiding.md` in de broncode van Van Bod naar Plot (en in de losse installatie). Deze installatie (wheel) bevat hem niet.</source>
        <translation># User guide

The (Dutch) user guide is `docs/handleiding.md` in the source code of Van Bod naar Plot (and in the standalone bundle). This installation (wheel) does not include it.</translation>
    </message>
</context>
<context>
    <name>LayersPanel</name>
    <message>
        <source>Vink aan om te tonen; sleep om de volgorde te wijzigen (bovenaan = bovenop)</source>
        <translation>Tick to show; drag to change the order (top of the list = on top)</translation>
    </message>
    <message>
        <source>Dekking van de gekozen laag (0 % = onzichtbaar)</source>
        <translation type="vanished">Opacity of the chosen layer (0 % = invisible)</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Locaties kleuren naar hun score (5 klassen)</source>
        <translation type="vanished">Colour locations by their score (5 classes)</translation>
    </message>
    <message>
        <source>Ondoorzichtigheid van de gekozen laag: 100 % = volledig dekkend, 0 % = onzichtbaar</source>
        <translation>Opacity of the selected layer: 100 % = fully opaque, 0 % = invisible</translation>
    </message>
    <message>
        <source>Locaties kleuren naar hun score (5 klassen, zie Legenda)</source>
        <translation>Colour locations by their score (5 classes, see Legend)</translation>
    </message>
    <message>
        <source>Locaties kleuren naar de status van hun reservering</source>
        <translation>Colour locations by the status of their reservation</translation>
    </message>
    <message>
        <source>Standaard</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Grijs</source>
        <translation>Grey</translation>
    </message>
    <message>
        <source>Pastel</source>
        <translation>Pastel</translation>
    </message>
    <message>
        <source>Uit</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>Achtergrondkaart van PDOK (BRT); zonder internet blijft die leeg</source>
        <translation>PDOK base map (BRT); stays empty without internet</translation>
    </message>
    <message>
        <source>Locaties kleuren naar</source>
        <translation>Colour locations by</translation>
    </message>
    <message>
        <source>Achtergrondkaart</source>
        <translation>Base map</translation>
    </message>
    <message>
        <source>Kaartlagen</source>
        <translation>Map layers</translation>
    </message>
    <message>
        <source>Ondoorzichtigheid: kies een laag</source>
        <translation>Opacity: choose a layer</translation>
    </message>
    <message>
        <source>Ondoorzichtigheid van {0}</source>
        <translation>Opacity of {0}</translation>
    </message>
    <message>
        <source>Dekking: kies een laag</source>
        <translation type="vanished">Opacity: choose a layer</translation>
    </message>
    <message>
        <source>Dekking van {0}</source>
        <translation type="vanished">Opacity of {0}</translation>
    </message>
</context>
<context>
    <name>LedgerBars</name>
    <message>
        <source>opgave {0}</source>
        <translation>target {0}</translation>
    </message>
    <message>
        <source>zeker {0}</source>
        <translation>certain {0}</translation>
    </message>
    <message>
        <source>in beeld {0}</source>
        <translation>in view {0}</translation>
    </message>
    <message>
        <source>Nog geen opgave ingevoerd</source>
        <translation>No target entered yet</translation>
    </message>
    <message>
        <source>tekort {n}</source>
        <translation type="vanished">short {n}</translation>
    </message>
    <message>
        <source>ruim {n}</source>
        <translation type="vanished">surplus {n}</translation>
    </message>
</context>
<context>
    <name>LedgerChart</name>
    <message>
        <source>Nog geen opgave en geen reserveringen. Voer de opgave in om het bod te volgen.</source>
        <translation>No target and no reservations yet. Enter the target to track the bod.</translation>
    </message>
    <message>
        <source>opgave {0}</source>
        <translation>target {0}</translation>
    </message>
    <message>
        <source>zeker {0}</source>
        <translation>certain {0}</translation>
    </message>
    <message>
        <source>in beeld {0}</source>
        <translation>in view {0}</translation>
    </message>
    <message>
        <source>Opgave: {0} woningen</source>
        <translation>Target: {0} homes</translation>
    </message>
    <message>
        <source>Locaties: {0}</source>
        <translation>Locations: {0}</translation>
    </message>
</context>
<context>
    <name>LedgerPanel</name>
    <message>
        <source>Vlakken: minimale capaciteit per status · gearceerd: tot de maximale capaciteit · kader: opgave</source>
        <translation>Blocks: minimum capacity per status · hatched: up to the maximum capacity · frame: target</translation>
    </message>
    <message>
        <source>Stand op</source>
        <translation>As of</translation>
    </message>
    <message>
        <source>Toon het bod zoals het aan het eind van deze dag stond (uit het wijzigingslogboek)</source>
        <translation>Show the bod as it stood at the end of this day (from the change log)</translation>
    </message>
    <message>
        <source>Verloop…</source>
        <translation>History…</translation>
    </message>
    <message>
        <source>Zeker, in beeld en gerealiseerd per maand en de oplevering per jaar tegen de opgave</source>
        <translation>Certain, in view and realised per month and the delivery per year against the target</translation>
    </message>
    <message>
        <source>Stand op {0} (eind van de dag), uit het wijzigingslogboek</source>
        <translation>As of {0} (end of day), from the change log</translation>
    </message>
    <message>
        <source>⚠ {0} waarschuwing(en): wijs aan voor de lijst</source>
        <translation>⚠ {0} warning(s): hover for the list</translation>
    </message>
</context>
<context>
    <name>LegendWidget</name>
    <message>
        <source>Nog geen kaartlagen.</source>
        <translation>No map layers yet.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Van Bod naar Plot</source>
        <translation>Van Bod naar Plot</translation>
    </message>
    <message>
        <source>Lagen</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>Criteria</source>
        <translation>Criteria</translation>
    </message>
    <message>
        <source>Locaties</source>
        <translation>Locations</translation>
    </message>
    <message>
        <source>Locatie</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>Legenda</source>
        <translation>Legend</translation>
    </message>
    <message>
        <source>Bod</source>
        <translation>Bod</translation>
    </message>
    <message>
        <source>Meldingen</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Vraag</source>
        <translation>Demand</translation>
    </message>
    <message>
        <source>Regio</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>{title} — Van Bod naar Plot</source>
        <translation>{title} — Van Bod naar Plot</translation>
    </message>
    <message>
        <source>Regio (alleen lezen)</source>
        <translation>Region (read only)</translation>
    </message>
    <message>
        <source>PDF-bestand (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <source>Excel-bestand (*.xlsx)</source>
        <translation>Excel file (*.xlsx)</translation>
    </message>
    <message>
        <source>Regio exporteren</source>
        <translation>Export region</translation>
    </message>
    <message>
        <source>Geschreven: {path}</source>
        <translation>Written: {path}</translation>
    </message>
    <message>
        <source>Alles opgeslagen</source>
        <translation>All saved</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Geen project</source>
        <translation>No project</translation>
    </message>
    <message>
        <source>Klaar</source>
        <translation>Ready</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <source>Achtergrondkaart (BRT)</source>
        <translation>Base map (BRT)</translation>
    </message>
    <message>
        <source>Loopbereik geselecteerde locatie</source>
        <translation>Walking reach of the selected location</translation>
    </message>
    <message>
        <source>binnen {0} m lopen</source>
        <translation>within {0} m walking</translation>
    </message>
    <message>
        <source>Coördinaten onder de muis (RD New, meter)</source>
        <translation>Coordinates under the mouse (RD New, metres)</translation>
    </message>
    <message>
        <source>geselecteerde locatie</source>
        <translation>selected location</translation>
    </message>
    <message>
        <source>Meten kan pas als er scores zijn.</source>
        <translation>Measuring is only possible once there are scores.</translation>
    </message>
    <message>
        <source>Importeer kavels en voorzieningen; dan is er een looppadennetwerk om langs te meten.</source>
        <translation>Import plots and facilities; then there is a footpath network to measure along.</translation>
    </message>
    <message>
        <source>hemelsbreed {0}</source>
        <translation>straight-line {0}</translation>
    </message>
    <message>
        <source>lopen: geen looppadennetwerk geladen</source>
        <translation>walking: no footpath network loaded</translation>
    </message>
    <message>
        <source>lopen: geen verbinding over het netwerk</source>
        <translation>walking: no connection over the network</translation>
    </message>
    <message>
        <source>lopen {0} ({1} min)</source>
        <translation>walking {0} ({1} min)</translation>
    </message>
    <message>
        <source>Gemeten: {0}, {1}</source>
        <translation>Measured: {0}, {1}</translation>
    </message>
    <message>
        <source>Kansen (voorstellen)</source>
        <translation>Opportunities (proposals)</translation>
    </message>
    <message>
        <source>De kaart kon niet worden opgebouwd.</source>
        <translation>The map could not be built.</translation>
    </message>
    <message>
        <source>De gegevens zijn niet verloren. Probeer het opnieuw; de fout was: {0}</source>
        <translation>No data was lost. Please try again; the error was: {0}</translation>
    </message>
    <message>
        <source>Wijken en buurten</source>
        <translation>Districts and neighbourhoods</translation>
    </message>
    <message>
        <source>grens van wijk of buurt</source>
        <translation>district or neighbourhood boundary</translation>
    </message>
    <message>
        <source>Gebouwen</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>gebouw (BAG-pand)</source>
        <translation>building (BAG building)</translation>
    </message>
    <message>
        <source>Loopnetwerk</source>
        <translation>Walking network</translation>
    </message>
    <message>
        <source>Locaties</source>
        <translation>Locations</translation>
    </message>
    <message>
        <source>Reserveringen</source>
        <translation>Reservations</translation>
    </message>
    <message>
        <source>Voorzieningen</source>
        <translation>Facilities</translation>
    </message>
    <message>
        <source>Bestemmingen</source>
        <translation>Zoning</translation>
    </message>
    <message>
        <source>Bestemmingen (indicatief)</source>
        <translation>Zoning (indicative)</translation>
    </message>
    <message>
        <source>indicatief: afgeleid uit OpenStreetMap-landgebruik, geen vastgesteld plan</source>
        <translation>indicative: derived from OpenStreetMap land use, not an adopted plan</translation>
    </message>
    <message>
        <source>geen score</source>
        <translation>no score</translation>
    </message>
    <message>
        <source>Score in {n} klassen met elk ongeveer evenveel locaties; de beste locatie valt altijd in de donkerste klasse.</source>
        <translation>Score in {n} classes with roughly the same number of locations each; the best location always falls in the darkest class.</translation>
    </message>
    <message>
        <source>Score in {n} gelijke stappen tot {maximum}: het haalbare maximum met deze gegevens en weging.</source>
        <translation>Score in {n} equal steps up to {maximum}: the attainable maximum with these data and this weighting.</translation>
    </message>
    <message>
        <source>Score in {n} vaste stappen van 0 tot 100.</source>
        <translation>Score in {n} fixed steps from 0 to 100.</translation>
    </message>
    <message>
        <source>Loopbereik niet getoond: {0}</source>
        <translation>Walking reach not shown: {0}</translation>
    </message>
    <message>
        <source>Score {0}</source>
        <translation>Score {0}</translation>
    </message>
    <message>
        <source>Nog geen score</source>
        <translation>No score yet</translation>
    </message>
    <message>
        <source>RD x {0}  y {1}</source>
        <translation>RD x {0}  y {1}</translation>
    </message>
    <message>
        <source>Markeringen</source>
        <translation>Markers</translation>
    </message>
    <message>
        <source>omstreden (≥ {0} punten)</source>
        <translation>contested (≥ {0} points)</translation>
    </message>
    <message>
        <source>gestegen</source>
        <translation>moved up</translation>
    </message>
    <message>
        <source>gedaald</source>
        <translation>moved down</translation>
    </message>
    <message>
        <source>Nog geen project geopend.
Open een project of start de demo.</source>
        <translation>No project open yet.
Open a project or start the demo.</translation>
    </message>
</context>
<context>
    <name>MessagesPanel</name>
    <message>
        <source>Wissen</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>Alle meldingen uit deze lijst verwijderen</source>
        <translation>Remove all messages from this list</translation>
    </message>
    <message>
        <source>FOUT</source>
        <translation>ERROR</translation>
    </message>
    <message>
        <source>Geen meldingen</source>
        <translation>No messages</translation>
    </message>
    <message numerus="yes">
        <source>%n melding(en)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n fout(en)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NewProjectWizard</name>
    <message>
        <source>Nieuw project</source>
        <translation>New project</translation>
    </message>
    <message>
        <source>Volgende &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; Vorige</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>Aanmaken</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>NormDialog</name>
    <message>
        <source>Norm voor {0}</source>
        <translation>Standard for {0}</translation>
    </message>
    <message>
        <source>Trapsgewijs: vol tot de norm, daarna 0</source>
        <translation>Step: full up to the standard, then 0</translation>
    </message>
    <message>
        <source>Lineair aflopend</source>
        <translation>Linear decline</translation>
    </message>
    <message>
        <source>Geleidelijk (S-curve)</source>
        <translation>Gradual (S-curve)</translation>
    </message>
    <message>
        <source>Volle score tot</source>
        <translation>Full score up to</translation>
    </message>
    <message>
        <source>Score 0 vanaf</source>
        <translation>Score 0 from</translation>
    </message>
    <message>
        <source>Volle score bij</source>
        <translation>Full score at</translation>
    </message>
    <message>
        <source>Score 0 bij</source>
        <translation>Score 0 at</translation>
    </message>
    <message>
        <source>Verloop</source>
        <translation>Curve</translation>
    </message>
    <message>
        <source>Toepassen</source>
        <translation>Apply</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>De afstand voor volle score moet kleiner zijn dan die voor score 0.</source>
        <translation>The distance for full score must be smaller than the one for score 0.</translation>
    </message>
    <message>
        <source>De waarden voor volle score en score 0 moeten verschillen.</source>
        <translation>The values for full score and score 0 must differ.</translation>
    </message>
    <message>
        <source>Bij dit criterium is lager beter: volle score moet onder score 0 liggen.</source>
        <translation>For this criterion lower is better: full score must lie below score 0.</translation>
    </message>
    <message>
        <source>Bij dit criterium is hoger beter: volle score moet boven score 0 liggen.</source>
        <translation>For this criterion higher is better: full score must lie above score 0.</translation>
    </message>
</context>
<context>
    <name>PlotDetailPanel</name>
    <message>
        <source>Kies een locatie op de kaart of in de tabel Locaties.</source>
        <translation>Choose a location on the map or in the Locations table.</translation>
    </message>
    <message>
        <source>Criterium</source>
        <translation>Criterion</translation>
    </message>
    <message>
        <source>Afstand</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>Norm</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>✓/✗</source>
        <translation type="vanished">✓/✗</translation>
    </message>
    <message>
        <source>Deelscore</source>
        <translation type="vanished">Partial score</translation>
    </message>
    <message>
        <source>Robuustheid</source>
        <translation>Robustness</translation>
    </message>
    <message>
        <source>Onenigheid</source>
        <translation>Disagreement</translation>
    </message>
    <message>
        <source>Per partij</source>
        <translation>Per party</translation>
    </message>
    <message>
        <source>Bestemming</source>
        <translation>Zoning</translation>
    </message>
    <message>
        <source>Capaciteit</source>
        <translation>Capacity</translation>
    </message>
    <message>
        <source>Reservering</source>
        <translation>Reservation</translation>
    </message>
    <message>
        <source>Notities</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Reserveren…</source>
        <translation>Reserve…</translation>
    </message>
    <message>
        <source>Deze locatie reserveren voor een woonvorm</source>
        <translation type="vanished">Reserve this location for a housing type</translation>
    </message>
    <message>
        <source>Punten</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>✓/✗: norm gehaald of niet; deelscore van het criterium, 0–100</source>
        <translation>✓/✗: standard met or not; partial score of the criterion, 0–100</translation>
    </message>
    <message>
        <source>Drieslag</source>
        <translation>Three-step</translation>
    </message>
    <message>
        <source>Deze locatie reserveren voor een woningcategorie</source>
        <translation>Reserve this location for a housing category</translation>
    </message>
    <message>
        <source>Notitie…</source>
        <translation>Note…</translation>
    </message>
    <message>
        <source>Een notitie bij deze locatie schrijven</source>
        <translation>Write a note on this location</translation>
    </message>
    <message>
        <source>Wanneer, wie</source>
        <translation>When, who</translation>
    </message>
    <message>
        <source>Wat (oud → nieuw)</source>
        <translation>What (old → new)</translation>
    </message>
    <message>
        <source>Uitleg</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <source>Historie</source>
        <translation>History</translation>
    </message>
    <message>
        <source>Locatie {0} heeft geen score in deze berekening.</source>
        <translation>Location {0} has no score in this calculation.</translation>
    </message>
    <message>
        <source>(+{0} meer geselecteerd)</source>
        <translation>(+{0} more selected)</translation>
    </message>
    <message>
        <source>Score {0} · nr. {1} van {2}</source>
        <translation>Score {0} · no. {1} of {2}</translation>
    </message>
    <message>
        <source>Niet ontsloten: de locatie ligt te ver van het looppadennetwerk.</source>
        <translation>Not connected: the location is too far from the footpath network.</translation>
    </message>
    <message>
        <source>Afstanden hemelsbreed (in een rechte lijn): er is geen looppadennetwerk.</source>
        <translation>Straight-line distances: there is no walking network.</translation>
    </message>
    <message>
        <source>Afstanden lopend over het looppadennetwerk.</source>
        <translation>Walking distances over the footpath network.</translation>
    </message>
    <message>
        <source>geen gegevens</source>
        <translation>no data</translation>
    </message>
    <message>
        <source>gewicht {0}</source>
        <translation>weight {0}</translation>
    </message>
    <message>
        <source>telt niet mee in de score: {0}</source>
        <translation>does not count towards the score: {0}</translation>
    </message>
    <message>
        <source>{0} % — zo vaak blijft de locatie in de top 10 als de gewichten variëren</source>
        <translation>{0} % — how often the location stays in the top 10 when the weights vary</translation>
    </message>
    <message>
        <source>{0} punten verschil — {1}</source>
        <translation>{0} points difference — {1}</translation>
    </message>
    <message>
        <source>plan zonder naam</source>
        <translation>unnamed plan</translation>
    </message>
    <message>
        <source>Schatting van de tool ({0}): {1} woningen</source>
        <translation>Tool&apos;s estimate ({0}): {1} homes</translation>
    </message>
    <message>
        <source>schatting {0}</source>
        <translation>estimate {0}</translation>
    </message>
    <message>
        <source>opleverjaren {0}</source>
        <translation>completion years {0}</translation>
    </message>
    <message>
        <source>telt mee: {0}</source>
        <translation>counts: {0}</translation>
    </message>
    <message>
        <source>de partijen zijn het vrijwel eens</source>
        <translation type="vanished">the parties largely agree</translation>
    </message>
    <message>
        <source>de partijen verschillen wat</source>
        <translation type="vanished">the parties differ somewhat</translation>
    </message>
    <message>
        <source>de partijen verschillen sterk</source>
        <translation type="vanished">the parties differ strongly</translation>
    </message>
    <message>
        <source>onbekend</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>toegestaan</source>
        <translation>allowed</translation>
    </message>
    <message>
        <source>procedure</source>
        <translation>procedure</translation>
    </message>
    <message>
        <source>uitgesloten</source>
        <translation>excluded</translation>
    </message>
    <message>
        <source>Dubbelbestemming: {0}</source>
        <translation>Overlay zoning: {0}</translation>
    </message>
    <message>
        <source>Let op: {0}</source>
        <translation>Note: {0}</translation>
    </message>
    <message>
        <source>Indicatief: geen vastgesteld bestemmingsplan, controleer bij de gemeente.</source>
        <translation>Indicative: not an adopted zoning plan, check with the municipality.</translation>
    </message>
    <message>
        <source>Plan: {0}</source>
        <translation>Plan: {0}</translation>
    </message>
    <message>
        <source>{0} woningen</source>
        <translation type="vanished">{0} homes</translation>
    </message>
    <message>
        <source>Niet gereserveerd</source>
        <translation>Not reserved</translation>
    </message>
    <message>
        <source>jaren {0}</source>
        <translation type="vanished">years {0}</translation>
    </message>
    <message>
        <source>partners: {0}</source>
        <translation>partners: {0}</translation>
    </message>
    <message>
        <source>compleet</source>
        <translation>complete</translation>
    </message>
    <message>
        <source>Kies een locatie om haar historie te zien.</source>
        <translation>Choose a location to see its history.</translation>
    </message>
    <message>
        <source>Wijzigingen aan {0}, haar reserveringen en opmerkingen (nieuwste eerst): {1}</source>
        <translation>Changes to {0}, its reservations and comments (newest first): {1}</translation>
    </message>
    <message>
        <source>Nog geen wijzigingen vastgelegd voor {0}.</source>
        <translation>No changes recorded for {0} yet.</translation>
    </message>
    <message>
        <source>Geen notities</source>
        <translation>No notes</translation>
    </message>
</context>
<context>
    <name>PlotsPanel</name>
    <message>
        <source>Zoek op naam of id…</source>
        <translation>Search by name or id…</translation>
    </message>
    <message>
        <source>Alleen locaties met deze bestemmingsklasse</source>
        <translation>Only locations with this zoning class</translation>
    </message>
    <message>
        <source>Alleen locaties met deze reserveringsstatus</source>
        <translation>Only locations with this reservation status</translation>
    </message>
    <message>
        <source>Alle bestemmingen</source>
        <translation>All zoning</translation>
    </message>
    <message>
        <source>Alle statussen</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>Zonder reservering</source>
        <translation>Without reservation</translation>
    </message>
    <message>
        <source>{0} van {1} locaties</source>
        <translation>{0} of {1} locations</translation>
    </message>
</context>
<context>
    <name>PlotsTableModel</name>
    <message>
        <source>Rang</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>Rang met de huidige weging (1 = beste)</source>
        <translation>Rank with the current weighting (1 = best)</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Naam</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Totaalscore 0–100 met de huidige weging</source>
        <translation>Total score 0–100 with the current weighting</translation>
    </message>
    <message>
        <source>Deelscore 0–100 voor {0}</source>
        <translation>Partial score 0–100 for {0}</translation>
    </message>
    <message>
        <source>Bestemming</source>
        <translation>Zoning</translation>
    </message>
    <message>
        <source>Past wonen in het bestemmingsplan?</source>
        <translation>Does housing fit the zoning plan?</translation>
    </message>
    <message>
        <source>Schatting</source>
        <translation>Estimate</translation>
    </message>
    <message>
        <source>Schatting van de tool: aantal woningen (min–max), zie Locatie voor de basis</source>
        <translation>Tool&apos;s estimate: number of homes (min–max), see Location for the basis</translation>
    </message>
    <message>
        <source>Verschil tussen de hoogste en de laagste partijscore, in punten (0 = eens; vanaf 20 omstreden)</source>
        <translation>Difference between the highest and the lowest party score, in points (0 = agreement; 20 or more = contested)</translation>
    </message>
    <message>
        <source>Capaciteit</source>
        <translation type="vanished">Capacity</translation>
    </message>
    <message>
        <source>Aantal woningen (min–max)</source>
        <translation type="vanished">Number of homes (min–max)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Status van de reservering</source>
        <translation>Status of the reservation</translation>
    </message>
    <message>
        <source>Robuustheid</source>
        <translation>Robustness</translation>
    </message>
    <message>
        <source>Aandeel van gevarieerde wegingen waarin de locatie in de top 10 blijft</source>
        <translation>Share of varied weightings in which the location stays in the top 10</translation>
    </message>
    <message>
        <source>Onenigheid</source>
        <translation>Disagreement</translation>
    </message>
    <message>
        <source>Hoe ver de rangen van de partijen uiteenlopen (0 % = eens)</source>
        <translation type="vanished">How far the parties&apos; ranks diverge (0 % = agreement)</translation>
    </message>
</context>
<context>
    <name>ProjectCommand</name>
    <message>
        <source>Er is geen project geopend.</source>
        <translation>No project is open.</translation>
    </message>
    <message>
        <source>Open een project of maak een nieuw project.</source>
        <translation>Open a project or create a new one.</translation>
    </message>
</context>
<context>
    <name>ProjectController</name>
    <message>
        <source>Er loopt al een taak.</source>
        <translation>A task is already running.</translation>
    </message>
    <message>
        <source>Wacht tot die klaar is of annuleer hem.</source>
        <translation>Wait until it has finished or cancel it.</translation>
    </message>
    <message>
        <source>{title}: geannuleerd; er is niets gewijzigd.</source>
        <translation>{title}: cancelled; nothing was changed.</translation>
    </message>
    <message>
        <source>Project openen</source>
        <translation>Opening project</translation>
    </message>
    <message>
        <source>Nieuw project</source>
        <translation>New project</translation>
    </message>
    <message>
        <source>Demoproject maken</source>
        <translation>Creating demo project</translation>
    </message>
    <message>
        <source>Geïmporteerd: {label} ({n} objecten)</source>
        <translation>Imported: {label} ({n} features)</translation>
    </message>
    <message>
        <source>Lagen importeren</source>
        <translation>Importing layers</translation>
    </message>
    <message>
        <source>Gegevens ophalen</source>
        <translation>Fetching data</translation>
    </message>
    <message>
        <source>Al opgehaald en bewaard vóór het annuleren: {keys}</source>
        <translation>Fetched and stored before the cancel: {keys}</translation>
    </message>
    <message>
        <source>Lagen opnieuw lezen</source>
        <translation>Re-reading layers</translation>
    </message>
    <message>
        <source>Opnieuw scoren</source>
        <translation>Scoring again</translation>
    </message>
    <message>
        <source>Er zijn nog geen scores om vast te leggen.</source>
        <translation>There are no scores to lock in yet.</translation>
    </message>
    <message>
        <source>Importeer kavels en voorzieningen; daarna worden de kavels gescoord.</source>
        <translation>Import plots and facilities; the plots are then scored.</translation>
    </message>
    <message>
        <source>Scores vastgelegd als scoreronde {n}.</source>
        <translation>Scores locked in as scoring round {n}.</translation>
    </message>
    <message>
        <source>Scores vastleggen</source>
        <translation>Locking in scores</translation>
    </message>
    <message>
        <source>Er is geen project geopend.</source>
        <translation>No project is open.</translation>
    </message>
    <message>
        <source>Open een project of maak een nieuw project.</source>
        <translation>Open a project or create a new one.</translation>
    </message>
</context>
<context>
    <name>RegionController</name>
    <message>
        <source>Regio lezen</source>
        <translation>Reading the region</translation>
    </message>
</context>
<context>
    <name>RegionPanel</name>
    <message>
        <source>nooit gewijzigd</source>
        <translation>never changed</translation>
    </message>
    <message>
        <source>Geen regio geopend</source>
        <translation>No region open</translation>
    </message>
    <message>
        <source>Gerapporteerd sinds</source>
        <translation>Reported since</translation>
    </message>
    <message>
        <source>Vernieuwen</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>XLSX…</source>
        <translation>XLSX…</translation>
    </message>
    <message>
        <source>Categorie</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Periode</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>Opgave regio</source>
        <translation>Regional target</translation>
    </message>
    <message>
        <source>Opgave gemeenten</source>
        <translation>Municipalities&apos; targets</translation>
    </message>
    <message>
        <source>Zeker</source>
        <translation>Certain</translation>
    </message>
    <message>
        <source>In beeld</source>
        <translation>In view</translation>
    </message>
    <message>
        <source>Gerealiseerd</source>
        <translation>Realised</translation>
    </message>
    <message>
        <source>Tekort</source>
        <translation>Shortfall</translation>
    </message>
    <message>
        <source>Gemeente</source>
        <translation>Municipality</translation>
    </message>
    <message>
        <source>Opgave</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>Aandeel</source>
        <translation>Share</translation>
    </message>
    <message>
        <source>Laatste wijziging</source>
        <translation>Last change</translation>
    </message>
    <message>
        <source>Gerapporteerd</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>Per gemeente</source>
        <translation>Per municipality</translation>
    </message>
    <message>
        <source>Rapportage</source>
        <translation>Reporting</translation>
    </message>
    <message>
        <source>Dubbele claims</source>
        <translation>Double claims</translation>
    </message>
    <message>
        <source>Open een regioproject (Bestand → Openen) om de regio te zien.</source>
        <translation>Open a region project (File → Open) to see the region.</translation>
    </message>
    <message>
        <source>stand op {when}</source>
        <translation>as of {when}</translation>
    </message>
    <message>
        <source>stand nu</source>
        <translation>as of now</translation>
    </message>
    <message>
        <source>{n} gemeenten ({read} gelezen) · {stand} · {claims}</source>
        <translation>{n} municipalities ({read} read) · {stand} · {claims}</translation>
    </message>
    <message>
        <source>1 dubbele claim</source>
        <translation>1 double claim</translation>
    </message>
    <message>
        <source>{n} dubbele claims</source>
        <translation>{n} double claims</translation>
    </message>
    <message>
        <source>niet te lezen: {error}</source>
        <translation>cannot be read: {error}</translation>
    </message>
    <message>
        <source>ja</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>nee</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Kies een datum bij &apos;Gerapporteerd sinds&apos; om te zien wie sindsdien niets wijzigde.</source>
        <translation>Pick a date at &apos;Reported since&apos; to see who has changed nothing since.</translation>
    </message>
    <message>
        <source>Niet gerapporteerd sinds {date}: {names}.</source>
        <translation>Not reported since {date}: {names}.</translation>
    </message>
    <message>
        <source>Alle leden hebben sinds {date} gerapporteerd.</source>
        <translation>All members have reported since {date}.</translation>
    </message>
    <message>
        <source>Geen dubbele claims: geen kavel is door twee gemeenten gereserveerd.</source>
        <translation>No double claims: no plot is reserved by two municipalities.</translation>
    </message>
    <message>
        <source>Dubbele claims ({n})</source>
        <translation>Double claims ({n})</translation>
    </message>
    <message>
        <source>Grenzen van de gemeenten</source>
        <translation>Municipal boundaries</translation>
    </message>
    <message>
        <source>grens van een gemeente</source>
        <translation>boundary of a municipality</translation>
    </message>
    <message>
        <source>Reserveringen per gemeente</source>
        <translation>Reservations per municipality</translation>
    </message>
    <message>
        <source>dubbele claim (twee gemeenten)</source>
        <translation>double claim (two municipalities)</translation>
    </message>
</context>
<context>
    <name>ReserveCommand</name>
    <message>
        <source>Reserveren: kavel {plot}</source>
        <translation>Reserve: plot {plot}</translation>
    </message>
    <message>
        <source>Kavel {plot} gereserveerd: {category}, {lo}–{hi} woningen.</source>
        <translation>Plot {plot} reserved: {category}, {lo}–{hi} homes.</translation>
    </message>
</context>
<context>
    <name>ReserveDialog</name>
    <message>
        <source>Kavel {plot} reserveren</source>
        <translation>Reserve plot {plot}</translation>
    </message>
    <message>
        <source> woningen</source>
        <translation> homes</translation>
    </message>
    <message>
        <source>bijv. 2026-2030</source>
        <translation type="vanished">e.g. 2026-2030</translation>
    </message>
    <message>
        <source>bijv. 2028-2032</source>
        <translation>e.g. 2028-2032</translation>
    </message>
    <message>
        <source>leeg: gelijk over de jaren; bijv. 2028:40, 2031:60</source>
        <translation>empty: evenly over the years; e.g. 2028:40, 2031:60</translation>
    </message>
    <message>
        <source>Hoe de woningen over de opleverjaren vallen (aandelen per jaar). Leeg: gelijk verdeeld. Het bod telt elk jaar in zijn opgaveperiode mee.</source>
        <translation>How the homes are spread over the completion years (shares per year). Empty: spread evenly. The bod counts in each year of its target period.</translation>
    </message>
    <message>
        <source>(geen werksessie)</source>
        <translation>(no workshop)</translation>
    </message>
    <message>
        <source>Partner</source>
        <translation>Partner</translation>
    </message>
    <message>
        <source>Soort</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Partner toevoegen</source>
        <translation>Add partner</translation>
    </message>
    <message>
        <source>Partner verwijderen</source>
        <translation>Remove partner</translation>
    </message>
    <message>
        <source>tot</source>
        <translation>to</translation>
    </message>
    <message>
        <source>Woningcategorie</source>
        <translation>Housing category</translation>
    </message>
    <message>
        <source>Capaciteit (opgegeven)</source>
        <translation>Capacity (as entered)</translation>
    </message>
    <message>
        <source>Schatting van de tool</source>
        <translation>Tool&apos;s estimate</translation>
    </message>
    <message>
        <source>Opleverjaren (van–tot)</source>
        <translation>Completion years (from–to)</translation>
    </message>
    <message>
        <source>Verdeling over de jaren</source>
        <translation>Distribution over the years</translation>
    </message>
    <message>
        <source>De verdeling noemt {0}, buiten de opleverjaren {1}.</source>
        <translation>The distribution mentions {0}, outside the completion years {1}.</translation>
    </message>
    <message>
        <source>Capaciteit</source>
        <translation type="vanished">Capacity</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>Partners</source>
        <translation>Partners</translation>
    </message>
    <message>
        <source>Jaren (bouw–oplevering)</source>
        <translation type="vanished">Years (construction–completion)</translation>
    </message>
    <message>
        <source>Grondeigenaar</source>
        <translation>Land owner</translation>
    </message>
    <message>
        <source>Notities</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Werksessie</source>
        <translation>Workshop</translation>
    </message>
    <message>
        <source>Reserveren</source>
        <translation>Reserve</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>geen schatting (geen oppervlakte, geen plan of eigen categorie)</source>
        <translation>no estimate (no area, no plan or custom category)</translation>
    </message>
    <message>
        <source>De minimale capaciteit is groter dan de maximale.</source>
        <translation>The minimum capacity is larger than the maximum.</translation>
    </message>
    <message>
        <source>Geef een capaciteit van minstens één woning op.</source>
        <translation>Enter a capacity of at least one home.</translation>
    </message>
</context>
<context>
    <name>ScoreHistogram</name>
    <message>
        <source>Verdeling van de scores van {0} locaties, in stappen van 5 punten</source>
        <translation>Distribution of the scores of {0} locations, in steps of 5 points</translation>
    </message>
    <message>
        <source>Nog geen scores</source>
        <translation>No scores yet</translation>
    </message>
    <message>
        <source>Scores van {0} locaties</source>
        <translation>Scores of {0} locations</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <source>Adres of locatie zoeken</source>
        <translation>Find address or location</translation>
    </message>
    <message>
        <source>bijv. 2628 BL 134, Julianalaan 134 of Minervaplein</source>
        <translation>e.g. 2628 BL 134, Julianalaan 134 or Minervaplein</translation>
    </message>
    <message>
        <source>Ook online zoeken (PDOK)</source>
        <translation>Also search online (PDOK)</translation>
    </message>
    <message>
        <source>Zoek adressen, straten en plaatsen in heel Nederland bij de PDOK Locatieserver</source>
        <translation>Search addresses, streets and places across the Netherlands with the PDOK Locatieserver</translation>
    </message>
    <message>
        <source>Typ een adres, postcode, kavelnummer of naam.</source>
        <translation>Type an address, postcode, plot number or name.</translation>
    </message>
    <message>
        <source>Dit project heeft geen BAG-adressen: zoek op kavel of naam, of online bij PDOK.</source>
        <translation>This project has no BAG addresses: search by plot or name, or online with PDOK.</translation>
    </message>
    <message>
        <source>{n} gevonden in het project.</source>
        <translation>{n} found in the project.</translation>
    </message>
    <message>
        <source>Niets gevonden in het project. Probeer online zoeken (PDOK).</source>
        <translation>Nothing found in the project. Try searching online (PDOK).</translation>
    </message>
    <message>
        <source>Online zoeken bij PDOK…</source>
        <translation>Searching online with PDOK…</translation>
    </message>
    <message>
        <source>{n} gevonden bij PDOK, {m} in het project.</source>
        <translation>{n} found with PDOK, {m} in the project.</translation>
    </message>
    <message>
        <source>Offline: PDOK is niet bereikbaar. U ziet alleen adressen en locaties uit het project.</source>
        <translation>Offline: PDOK cannot be reached. You only see addresses and locations from the project.</translation>
    </message>
    <message>
        <source>adres</source>
        <translation>address</translation>
    </message>
    <message>
        <source>locatie</source>
        <translation>location</translation>
    </message>
    <message>
        <source>voorziening</source>
        <translation>facility</translation>
    </message>
    <message>
        <source>straat</source>
        <translation>street</translation>
    </message>
    <message>
        <source>postcode</source>
        <translation>postcode</translation>
    </message>
    <message>
        <source>woonplaats</source>
        <translation>town</translation>
    </message>
    <message>
        <source>gemeente</source>
        <translation>municipality</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Serverproject openen</source>
        <translation>Open server project</translation>
    </message>
    <message>
        <source>Het wachtwoord wordt nooit gevraagd of bewaard. Zet het in de omgevingsvariabele PGPASSWORD of in uw pgpass-bestand (~/.pgpass; op Windows %APPDATA%\postgresql\pgpass.conf). Vraag uw beheerder om hulp.</source>
        <translation>The password is never asked for or stored. Put it in the environment variable PGPASSWORD or in your pgpass file (~/.pgpass; on Windows %APPDATA%\postgresql\pgpass.conf). Ask your administrator for help.</translation>
    </message>
    <message>
        <source>Serveradres (URL)</source>
        <translation>Server address (URL)</translation>
    </message>
    <message>
        <source>of vul de onderdelen in:</source>
        <translation>or fill in the parts:</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Poort</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>Gebruiker</source>
        <translation>User</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Project</translation>
    </message>
    <message>
        <source>Openen</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Een serveradres begint met postgresql://.</source>
        <translation>A server address starts with postgresql://.</translation>
    </message>
    <message>
        <source>Het wachtwoord is uit het adres gehaald: het wordt nooit bewaard. Zet het in PGPASSWORD of uw pgpass-bestand en klik opnieuw op Openen.</source>
        <translation>The password was removed from the address: it is never stored. Put it in PGPASSWORD or your pgpass file and click Open again.</translation>
    </message>
    <message>
        <source>Vul minstens de database en de projectnaam in.</source>
        <translation>Enter at least the database and the project name.</translation>
    </message>
    <message>
        <source>Het adres noemt geen project: voeg ?project=naam toe.</source>
        <translation>The address names no project: add ?project=name.</translation>
    </message>
</context>
<context>
    <name>StatusCommand</name>
    <message>
        <source>Status: {status}</source>
        <translation>Status: {status}</translation>
    </message>
</context>
<context>
    <name>TileClient</name>
    <message>
        <source>offline — geen achtergrondkaart</source>
        <translation>offline — no base map</translation>
    </message>
    <message>
        <source>achtergrondkaart: PDOK BRT</source>
        <translation>base map: PDOK BRT</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welkom bij Van Bod naar Plot</source>
        <translation>Welcome to Van Bod naar Plot</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Welkom&lt;/h2&gt;&lt;p&gt;Met Van Bod naar Plot vertaalt u de opgave voor ouderenhuisvesting (het &lt;b&gt;bod&lt;/b&gt;) naar &lt;b&gt;gereserveerde locaties&lt;/b&gt; op de kaart, samen met partners boven de kaart.&lt;/p&gt;&lt;ol&gt;&lt;li&gt;Voer de opgave per woonvorm in (bij een nieuw project); het &lt;b&gt;Bod&lt;/b&gt;-paneel volgt hem.&lt;/li&gt;&lt;li&gt;Bekijk de kavels: de score zegt hoe dichtbij supermarkt, huisarts en OV liggen (loopafstand over echte looppaden).&lt;/li&gt;&lt;li&gt;Weeg per partij, zoek consensus en &lt;b&gt;reserveer&lt;/b&gt; locaties met partners.&lt;/li&gt;&lt;li&gt;Exporteer de kaart voor het volkshuisvestingsprogramma en de prestatieafspraken.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Nieuw? Open de &lt;b&gt;demo&lt;/b&gt; (Delft, echte open data) en volg de handleiding (&lt;b&gt;Help → Handleiding&lt;/b&gt;): een hele werksessie in tien minuten.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Welcome&lt;/h2&gt;&lt;p&gt;Van Bod naar Plot turns the senior-housing target (the &lt;b&gt;bod&lt;/b&gt;) into &lt;b&gt;reserved locations&lt;/b&gt; on the map, together with partners around the map.&lt;/p&gt;&lt;ol&gt;&lt;li&gt;Enter the target per housing type (for a new project); the &lt;b&gt;Bod&lt;/b&gt; panel tracks it.&lt;/li&gt;&lt;li&gt;Look at the plots: the score says how close supermarket, GP and public transport are (walking distance over real footpaths).&lt;/li&gt;&lt;li&gt;Weigh per party, find consensus and &lt;b&gt;reserve&lt;/b&gt; locations with partners.&lt;/li&gt;&lt;li&gt;Export the map for the volkshuisvestingsprogramma and the prestatieafspraken.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;New? Open the &lt;b&gt;demo&lt;/b&gt; (Delft, real open data) and follow the guide (&lt;b&gt;Help → User guide&lt;/b&gt;): a whole workshop in ten minutes.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Demo openen (Delft)</source>
        <translation>Open the demo (Delft)</translation>
    </message>
    <message>
        <source>Nieuw project…</source>
        <translation>New project…</translation>
    </message>
    <message>
        <source>Project openen…</source>
        <translation>Open project…</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Niet meer tonen bij opstarten</source>
        <translation>Do not show at start-up again</translation>
    </message>
</context>
<context>
    <name>WorkflowActions</name>
    <message>
        <source>&amp;Bestand</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;Nieuw project…</source>
        <translation>&amp;New project…</translation>
    </message>
    <message>
        <source>&amp;Openen…</source>
        <translation>&amp;Open…</translation>
    </message>
    <message>
        <source>&amp;Serverproject openen…</source>
        <translation>Open &amp;server project…</translation>
    </message>
    <message>
        <source>&amp;Recente projecten</source>
        <translation>&amp;Recent projects</translation>
    </message>
    <message>
        <source>&amp;Demoproject openen</source>
        <translation>Open &amp;demo project</translation>
    </message>
    <message>
        <source>&amp;Kopie opslaan als…</source>
        <translation>Save &amp;copy as…</translation>
    </message>
    <message>
        <source>Lagen &amp;importeren…</source>
        <translation>&amp;Import layers…</translation>
    </message>
    <message>
        <source>&amp;Gegevens ophalen…</source>
        <translation>&amp;Fetch data…</translation>
    </message>
    <message>
        <source>BAG, voorzieningen, bestemmingsplannen en CBS-buurten online ophalen</source>
        <translation>Fetch BAG, facilities, zoning plans and CBS neighbourhoods online</translation>
    </message>
    <message>
        <source>E&amp;xporteren (kaart, dossiers, web, tabellen)…</source>
        <translation>E&amp;xport (map, dossiers, web, tables)…</translation>
    </message>
    <message>
        <source>&amp;Exporteren naar GeoPackage…</source>
        <translation>&amp;Export to GeoPackage…</translation>
    </message>
    <message>
        <source>Scores &amp;vastleggen</source>
        <translation>&amp;Lock in scores</translation>
    </message>
    <message>
        <source>De scores zoals getoond (profiel, gewichten, partij) bewaren als scoreronde</source>
        <translation>Keep the scores as shown (profile, weights, party) as a scoring round</translation>
    </message>
    <message>
        <source>&amp;Afsluiten</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Be&amp;werken</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>Ongedaan maken</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>Opnieuw</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Kavel &amp;tekenen</source>
        <translation>&amp;Draw plot</translation>
    </message>
    <message>
        <source>Kavel &amp;verwijderen</source>
        <translation>De&amp;lete plot</translation>
    </message>
    <message>
        <source>&amp;Kansen zoeken…</source>
        <translation>Find &amp;opportunities…</translation>
    </message>
    <message>
        <source>&amp;Reserveren…</source>
        <translation>&amp;Reserve…</translation>
    </message>
    <message>
        <source>&amp;Status wijzigen</source>
        <translation>Change &amp;status</translation>
    </message>
    <message>
        <source>&amp;BAG-voortgang controleren…</source>
        <translation>&amp;Check BAG progress…</translation>
    </message>
    <message>
        <source>Statusvoorstellen voor gereserveerde kavels uit een nieuwer BAG-extract</source>
        <translation>Status proposals for reserved plots from a newer BAG extract</translation>
    </message>
    <message>
        <source>Bee&amp;ld</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>Zoom naar &amp;alles</source>
        <translation>Zoom to &amp;all</translation>
    </message>
    <message>
        <source>Zoom naar &amp;selectie</source>
        <translation>Zoom to &amp;selection</translation>
    </message>
    <message>
        <source>Kavels kleuren naar</source>
        <translation>Colour plots by</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Status van reservering</source>
        <translation>Reservation status</translation>
    </message>
    <message>
        <source>&amp;Adres of locatie zoeken…</source>
        <translation>&amp;Find address or location…</translation>
    </message>
    <message>
        <source>&amp;Meten (lopen en hemelsbreed)</source>
        <translation>&amp;Measure (walking and straight-line)</translation>
    </message>
    <message>
        <source>Klik twee punten op de kaart: de loopafstand over het netwerk en in een rechte lijn</source>
        <translation>Click two points on the map: the walking distance over the network and in a straight line</translation>
    </message>
    <message>
        <source>Twee locaties &amp;vergelijken…</source>
        <translation>&amp;Compare two locations…</translation>
    </message>
    <message>
        <source>&amp;Panelen</source>
        <translation>&amp;Panels</translation>
    </message>
    <message>
        <source>Standaardindeling herstellen</source>
        <translation>Restore default layout</translation>
    </message>
    <message>
        <source>&amp;Taal</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>Werk&amp;sessie</source>
        <translation>&amp;Workshop</translation>
    </message>
    <message>
        <source>Werksessie &amp;starten…</source>
        <translation>&amp;Start workshop…</translation>
    </message>
    <message>
        <source>&amp;Presentatievenster tonen</source>
        <translation>Show &amp;presentation window</translation>
    </message>
    <message>
        <source>&amp;Besluit vastleggen…</source>
        <translation>Record &amp;decision…</translation>
    </message>
    <message>
        <source>&amp;Verslag opslaan…</source>
        <translation>Save &amp;minutes…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>&amp;Handleiding</source>
        <translation>&amp;User guide</translation>
    </message>
    <message>
        <source>&amp;Begrippen (woordenlijst)</source>
        <translation>&amp;Glossary</translation>
    </message>
    <message>
        <source>&amp;Welkom…</source>
        <translation>&amp;Welcome…</translation>
    </message>
    <message>
        <source>&amp;Over Van Bod naar Plot</source>
        <translation>&amp;About Van Bod naar Plot</translation>
    </message>
    <message>
        <source>(nog geen)</source>
        <translation>(none yet)</translation>
    </message>
    <message>
        <source>Project openen</source>
        <translation>Open project</translation>
    </message>
    <message>
        <source>Projectbestand (*.gpkg)</source>
        <translation>Project file (*.gpkg)</translation>
    </message>
    <message>
        <source>Kopie opslaan als</source>
        <translation>Save copy as</translation>
    </message>
    <message>
        <source>Kopie opslaan</source>
        <translation>Saving copy</translation>
    </message>
    <message>
        <source>Kopie opgeslagen: {path}</source>
        <translation>Copy saved: {path}</translation>
    </message>
    <message>
        <source>Lagen importeren</source>
        <translation>Import layers</translation>
    </message>
    <message>
        <source>Geodata ({patterns});;Alle bestanden (*)</source>
        <translation>Geodata ({patterns});;All files (*)</translation>
    </message>
    <message>
        <source>Exporteren naar GeoPackage</source>
        <translation>Export to GeoPackage</translation>
    </message>
    <message>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <source>Exporteren</source>
        <translation>Exporting</translation>
    </message>
    <message>
        <source>Geëxporteerd naar {path}</source>
        <translation>Exported to {path}</translation>
    </message>
    <message>
        <source>Er is geen project geopend.</source>
        <translation>No project is open.</translation>
    </message>
    <message>
        <source>Open een project of maak een nieuw project.</source>
        <translation>Open a project or create a new one.</translation>
    </message>
    <message>
        <source>Selecteer precies één kavel.</source>
        <translation>Select exactly one plot.</translation>
    </message>
    <message>
        <source>Klik een kavel aan op de kaart of in de lijst.</source>
        <translation>Click a plot on the map or in the list.</translation>
    </message>
    <message>
        <source>Kavel {plot} heeft geen reservering.</source>
        <translation>Plot {plot} has no reservation.</translation>
    </message>
    <message>
        <source>Reserveer de kavel eerst (Bewerken → Reserveren).</source>
        <translation>Reserve the plot first (Edit → Reserve).</translation>
    </message>
    <message>
        <source>Open of maak eerst een project; de opgehaalde gegevens worden daarin bewaard.</source>
        <translation>Open or create a project first; the fetched data is stored in it.</translation>
    </message>
    <message>
        <source>Kansen zoeken</source>
        <translation>Find opportunities</translation>
    </message>
    <message>
        <source>Kansen overgenomen als kavel: {n}</source>
        <translation>Opportunities taken over as plots: {n}</translation>
    </message>
    <message>
        <source>Nieuwer BAG-extract kiezen</source>
        <translation>Choose a newer BAG extract</translation>
    </message>
    <message>
        <source>BAG-extract (*.zip *.xml *.gpkg *.geojson *.json);;Alle bestanden (*)</source>
        <translation>BAG extract (*.zip *.xml *.gpkg *.geojson *.json);;All files (*)</translation>
    </message>
    <message>
        <source>BAG-voortgang</source>
        <translation>BAG progress</translation>
    </message>
    <message>
        <source>Tekenen is in deze kaart niet beschikbaar.</source>
        <translation>Drawing is not available in this map.</translation>
    </message>
    <message>
        <source>Importeer kavels uit een bestand (Bestand → Lagen importeren).</source>
        <translation>Import plots from a file (File → Import layers).</translation>
    </message>
    <message>
        <source>Teken de kavel: klik de hoekpunten aan, dubbelklik of Enter om af te sluiten, Esc om te stoppen.</source>
        <translation>Draw the plot: click the corners, double-click or Enter to finish, Esc to stop.</translation>
    </message>
    <message>
        <source>De nieuwe kavel krijgt een score zodra opnieuw wordt gescoord (Criteria).</source>
        <translation>The new plot gets a score once scoring runs again (Criteria).</translation>
    </message>
    <message>
        <source>Kavel verwijderen</source>
        <translation>Delete plot</translation>
    </message>
    <message>
        <source>Kavel {plot} verwijderen? Dit kan ongedaan worden gemaakt.</source>
        <translation>Delete plot {plot}? This can be undone.</translation>
    </message>
    <message>
        <source>Meten: klik het beginpunt en het eindpunt op de kaart; Esc stopt.</source>
        <translation>Measure: click the start point and the end point on the map; Esc stops.</translation>
    </message>
    <message>
        <source>Begrippen</source>
        <translation>Glossary</translation>
    </message>
    <message>
        <source>Taal</source>
        <translation type="vanished">Language</translation>
    </message>
    <message>
        <source>De taal wordt aangepast na het herstarten van Van Bod naar Plot.</source>
        <translation type="vanished">De taal wordt aangepast na het herstarten van Van Bod naar Plot.</translation>
    </message>
    <message>
        <source>Besluit vastleggen</source>
        <translation>Record decision</translation>
    </message>
    <message>
        <source>Besluit:</source>
        <translation>Decision:</translation>
    </message>
    <message>
        <source>Verslag opslaan</source>
        <translation type="vanished">Save minutes</translation>
    </message>
    <message>
        <source>Markdown (*.md);;Tekst (*.txt)</source>
        <translation type="vanished">Markdown (*.md);;Text (*.txt)</translation>
    </message>
    <message>
        <source>Het verslag kon niet worden opgeslagen: {error}</source>
        <translation type="vanished">The minutes could not be saved: {error}</translation>
    </message>
    <message>
        <source>Kies een andere map of bestandsnaam.</source>
        <translation type="vanished">Choose another folder or file name.</translation>
    </message>
    <message>
        <source>Verslag opgeslagen: {path}</source>
        <translation type="vanished">Minutes saved: {path}</translation>
    </message>
    <message>
        <source>Over Van Bod naar Plot</source>
        <translation type="vanished">About Van Bod naar Plot</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Van Bod naar Plot&lt;/h3&gt;&lt;p&gt;Van de opgave ouderenhuisvesting (het bod) naar gereserveerde locaties, gescoord op loopafstand tot voorzieningen.&lt;/p&gt;&lt;p&gt;Open source (MIT). Kaartgegevens: PDOK/Kadaster, BAG, CBS, OpenStreetMap-bijdragers.&lt;/p&gt;</source>
        <translation type="vanished">&lt;h3&gt;Van Bod naar Plot&lt;/h3&gt;&lt;p&gt;From the senior-housing target (the bod) to reserved locations, scored on walking distance to facilities.&lt;/p&gt;&lt;p&gt;Open source (MIT). Map data: PDOK/Kadaster, BAG, CBS, OpenStreetMap contributors.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Export klaar</source>
        <translation>Export finished</translation>
    </message>
</context>
<context>
    <name>WorkshopWindow</name>
    <message>
        <source>Werksessie — Van Bod naar Plot</source>
        <translation>Workshop — Van Bod naar Plot</translation>
    </message>
    <message>
        <source>Volledig scherm (F11)</source>
        <translation>Full screen (F11)</translation>
    </message>
    <message>
        <source>Sluiten</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Klik een kavel aan op de kaart of in de lijst</source>
        <translation type="vanished">Click a plot on the map or in the list</translation>
    </message>
    <message>
        <source>Naam of partij</source>
        <translation>Name or party</translation>
    </message>
    <message>
        <source>Opmerking bij deze kavel</source>
        <translation type="vanished">Comment on this plot</translation>
    </message>
    <message>
        <source>Besluit, bijv. &apos;Locatie DLF-012 voordragen voor geclusterd&apos;</source>
        <translation>Decision, e.g. &apos;Propose location DLF-012 for clustered&apos;</translation>
    </message>
    <message>
        <source>Klik een locatie aan op de kaart of in de lijst</source>
        <translation>Click a location on the map or in the list</translation>
    </message>
    <message>
        <source>Opmerking bij deze locatie</source>
        <translation>Comment on this location</translation>
    </message>
    <message>
        <source>+ voor</source>
        <translation>+ for</translation>
    </message>
    <message>
        <source>0 neutraal</source>
        <translation>0 neutral</translation>
    </message>
    <message>
        <source>− tegen</source>
        <translation>− against</translation>
    </message>
    <message>
        <source>Plaatsen</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>Besluit, bijv. &apos;Kavel DFT-012 voordragen voor geclusterd&apos;</source>
        <translation type="vanished">Decision, e.g. &apos;Propose plot DFT-012 for clustered housing&apos;</translation>
    </message>
    <message>
        <source>Besluit vastleggen</source>
        <translation>Record decision</translation>
    </message>
    <message>
        <source>Verslag opslaan…</source>
        <translation>Save minutes…</translation>
    </message>
    <message>
        <source>Het bod</source>
        <translation>The bod</translation>
    </message>
    <message>
        <source>Waarom</source>
        <translation>Why</translation>
    </message>
    <message>
        <source>Opmerkingen</source>
        <translation>Comments</translation>
    </message>
    <message>
        <source>Omstreden</source>
        <translation>Contested</translation>
    </message>
    <message>
        <source>Besluiten</source>
        <translation>Decisions</translation>
    </message>
    <message>
        <source>Waarom deze locatie: de afstanden per criterium en de partijen</source>
        <translation>Why this location: the distances per criterion and the parties</translation>
    </message>
    <message>
        <source>Opmerkingen en stemmen bij de gekozen locatie</source>
        <translation>Comments and votes on the chosen location</translation>
    </message>
    <message>
        <source>Locaties waarover de partijen {0} punten of meer verschillen</source>
        <translation>Locations on which the parties differ by {0} points or more</translation>
    </message>
    <message>
        <source>Beste locaties</source>
        <translation>Best locations</translation>
    </message>
    <message>
        <source>Van {0} naar {1}: {2} gestegen ▲, {3} gedaald ▼</source>
        <translation>From {0} to {1}: {2} up ▲, {3} down ▼</translation>
    </message>
    <message>
        <source>Uit de top {0}: {1}</source>
        <translation>Dropped out of the top {0}: {1}</translation>
    </message>
    <message>
        <source> en {0} meer</source>
        <translation> and {0} more</translation>
    </message>
    <message>
        <source>Locatie {0} heeft geen score.</source>
        <translation>Location {0} has no score.</translation>
    </message>
    <message>
        <source>score {0}, nr. {1}</source>
        <translation>score {0}, no. {1}</translation>
    </message>
    <message>
        <source>geen gegevens (telt niet mee)</source>
        <translation>no data (does not count)</translation>
    </message>
    <message>
        <source>{0} punten verschil</source>
        <translation>{0} points difference</translation>
    </message>
    <message>
        <source>Omstreden ({0})</source>
        <translation>Contested ({0})</translation>
    </message>
    <message>
        <source>Geen locatie waarover de partijen {0} punten of meer verschillen.</source>
        <translation>No location on which the parties differ by {0} points or more.</translation>
    </message>
    <message>
        <source>{0}: {1} punten verschil ({2} {3}, {4} {5})</source>
        <translation>{0}: {1} points difference ({2} {3}, {4} {5})</translation>
    </message>
    <message>
        <source>Locatie {plot}</source>
        <translation>Location {plot}</translation>
    </message>
    <message>
        <source>{0}: drieslag {1}</source>
        <translation>{0}: three-step {1}</translation>
    </message>
    <message>
        <source>Er is geen locatie geselecteerd.</source>
        <translation>No location is selected.</translation>
    </message>
    <message>
        <source>Klik eerst een locatie aan op de kaart.</source>
        <translation>Click a location on the map first.</translation>
    </message>
    <message>
        <source>Besluiten ({0})</source>
        <translation>Decisions ({0})</translation>
    </message>
    <message>
        <source>Nog geen besluiten.</source>
        <translation>No decisions yet.</translation>
    </message>
    <message>
        <source>Nog geen besluiten in deze werksessie.</source>
        <translation>No decisions in this workshop yet.</translation>
    </message>
    <message>
        <source>Laatste besluit: {0}</source>
        <translation>Last decision: {0}</translation>
    </message>
    <message>
        <source>Opmerkingen en stemmen</source>
        <translation type="vanished">Comments and votes</translation>
    </message>
    <message>
        <source>Werksessie</source>
        <translation>Workshop</translation>
    </message>
    <message>
        <source>Consensus</source>
        <translation>Consensus</translation>
    </message>
    <message>
        <source>eigen weging</source>
        <translation>own weighting</translation>
    </message>
    <message>
        <source>Nog geen scores: importeer kavels en voorzieningen.</source>
        <translation>No scores yet: import plots and facilities.</translation>
    </message>
    <message>
        <source>partijen oneens</source>
        <translation>parties disagree</translation>
    </message>
    <message>
        <source>Kavel {plot}</source>
        <translation type="vanished">Plot {plot}</translation>
    </message>
    <message>
        <source>Er is geen kavel geselecteerd.</source>
        <translation type="vanished">No plot is selected.</translation>
    </message>
    <message>
        <source>Klik eerst een kavel aan op de kaart.</source>
        <translation type="vanished">First click a plot on the map.</translation>
    </message>
    <message>
        <source>Er loopt geen werksessie.</source>
        <translation>No workshop is running.</translation>
    </message>
    <message>
        <source>Start een werksessie via het menu Werksessie.</source>
        <translation>Start a workshop from the Workshop menu.</translation>
    </message>
    <message>
        <source>Besluit vastgelegd: {text}</source>
        <translation>Decision recorded: {text}</translation>
    </message>
    <message>
        <source>Verslag opslaan</source>
        <translation type="vanished">Save minutes</translation>
    </message>
    <message>
        <source>Markdown (*.md);;Tekst (*.txt)</source>
        <translation type="vanished">Markdown (*.md);;Text (*.txt)</translation>
    </message>
    <message>
        <source>Het verslag kon niet worden opgeslagen: {error}</source>
        <translation type="vanished">The minutes could not be saved: {error}</translation>
    </message>
    <message>
        <source>Kies een andere map of bestandsnaam.</source>
        <translation type="vanished">Choose another folder or file name.</translation>
    </message>
</context>
<context>
    <name>_CategoriesPage</name>
    <message>
        <source>Woningcategorieën</source>
        <translation>Housing categories</translation>
    </message>
    <message>
        <source>Voor welke soorten ouderenwoningen maakt u het bod? Dubbelklik om te wijzigen.</source>
        <translation>Which kinds of senior housing is the bod for? Double-click to edit.</translation>
    </message>
    <message>
        <source>Toevoegen</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Verwijderen</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>nieuwe categorie</source>
        <translation>new category</translation>
    </message>
    <message>
        <source>Nieuw project</source>
        <translation>New project</translation>
    </message>
    <message>
        <source>De categorieën zijn leeg of er staat er een dubbel in.</source>
        <translation>The categories are empty or one is listed twice.</translation>
    </message>
</context>
<context>
    <name>_OpgavePage</name>
    <message>
        <source>De opgave (het bod)</source>
        <translation>The target (the bod)</translation>
    </message>
    <message>
        <source>Hoeveel woningen per categorie en periode? Typ ze in of importeer een CSV. Mag ook later.</source>
        <translation>How many homes per category and period? Type them or import a CSV. You can also do this later.</translation>
    </message>
    <message>
        <source>Categorie</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>Periode</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>Aantal</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>Wijk</source>
        <translation>District</translation>
    </message>
    <message>
        <source>Bron</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Regel toevoegen</source>
        <translation>Add row</translation>
    </message>
    <message>
        <source>Regel verwijderen</source>
        <translation>Remove row</translation>
    </message>
    <message>
        <source>Importeren uit CSV…</source>
        <translation>Import from CSV…</translation>
    </message>
    <message>
        <source>CSV-kolommen: category, period, target, en eventueel wijk, source.</source>
        <translation>CSV columns: category, period, target, and optionally wijk, source.</translation>
    </message>
    <message>
        <source>Opgave importeren</source>
        <translation>Import target</translation>
    </message>
    <message>
        <source>CSV (*.csv *.txt)</source>
        <translation>CSV (*.csv *.txt)</translation>
    </message>
    <message>
        <source>Categorie &apos;{cat}&apos; staat niet in de lijst van categorieën.</source>
        <translation>Category &apos;{cat}&apos; is not in the list of categories.</translation>
    </message>
    <message>
        <source>Een aantal woningen moet een heel getal zijn.</source>
        <translation>A number of homes must be a whole number.</translation>
    </message>
    <message>
        <source>Nieuw project</source>
        <translation>New project</translation>
    </message>
</context>
<context>
    <name>_ProjectPage</name>
    <message>
        <source>Project en gemeente</source>
        <translation>Project and municipality</translation>
    </message>
    <message>
        <source>Waar wordt het project bewaard, en voor welke gemeente is het?</source>
        <translation>Where is the project stored, and which municipality is it for?</translation>
    </message>
    <message>
        <source>Bladeren…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>bijv. 0503</source>
        <translation>e.g. 0503</translation>
    </message>
    <message>
        <source>bijv. Delft</source>
        <translation>e.g. Delft</translation>
    </message>
    <message>
        <source>Projectbestand</source>
        <translation>Project file</translation>
    </message>
    <message>
        <source>Projectnaam</source>
        <translation>Project name</translation>
    </message>
    <message>
        <source>CBS-gemeentecode</source>
        <translation>CBS municipality code</translation>
    </message>
    <message>
        <source>Gemeentenaam</source>
        <translation>Municipality name</translation>
    </message>
    <message>
        <source>Projectbestand kiezen</source>
        <translation>Choose project file</translation>
    </message>
    <message>
        <source>Projectbestand (*.gpkg)</source>
        <translation>Project file (*.gpkg)</translation>
    </message>
    <message>
        <source>Kies een projectbestand dat op .gpkg eindigt.</source>
        <translation>Choose a project file ending in .gpkg.</translation>
    </message>
    <message>
        <source>Dit bestand bestaat al; kies een andere naam.</source>
        <translation>This file already exists; choose another name.</translation>
    </message>
    <message>
        <source>Geef het project een naam.</source>
        <translation>Give the project a name.</translation>
    </message>
    <message>
        <source>Een CBS-gemeentecode bestaat uit vier cijfers, bijv. 0503.</source>
        <translation>A CBS municipality code has four digits, e.g. 0503.</translation>
    </message>
    <message>
        <source>Nieuw project</source>
        <translation>New project</translation>
    </message>
</context>
<context>
    <name>_WorkshopStartDialog</name>
    <message>
        <source>Werksessie starten</source>
        <translation>Start workshop</translation>
    </message>
    <message>
        <source>bijv. Woonzorgtafel maart</source>
        <translation>e.g. Housing and care table March</translation>
    </message>
    <message>
        <source>Eén deelnemer per regel, bijv. wethouder Wonen</source>
        <translation>One participant per line, e.g. alderman for Housing</translation>
    </message>
    <message>
        <source>Titel</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>Deelnemers</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>Starten</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Annuleren</source>
        <translation>Cancel</translation>
    </message>
</context>
</TS>
