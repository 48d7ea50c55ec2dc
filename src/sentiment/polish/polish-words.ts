// The Polish word lists the scorer's rules read, written without diacritics (text is folded before lookup).
// Valences on VADER's scale (-4..4). Entries of five or more letters are stems: they match any word they begin
// ("okropn" → okropny, okropna, okropnego); shorter ones match whole words only ("zle", "zly").

export const POLISH_VALENCES: ReadonlyMap<string, number> = new Map([
  // praise
  ['polec', 2.0], ['polecam', 2.5], ['dobr', 2.0], ['dobrz', 2.0], ['swietn', 3.0], ['super', 2.5], ['rewelac', 3.0],
  ['wspanial', 3.0], ['znakomi', 3.0], ['doskonal', 3.0], ['idealn', 2.5], ['fantastycz', 3.0], ['genialn', 3.0],
  ['zadowol', 2.0], ['profesjonal', 2.0], ['mily', 2.0], ['mila', 2.0], ['mile', 2.0], ['milo', 2.0], ['milego', 2.0],
  ['milym', 2.0], ['milej', 2.0], ['mili', 2.0], ['uprzejm', 2.0], ['pomocn', 2.0], ['fachow', 2.0], ['kompetent', 2.0],
  ['rzeteln', 2.0], ['solidn', 1.5], ['sprawn', 1.5], ['przyjemn', 2.0], ['piekn', 2.5], ['ladn', 1.5],
  ['wygodn', 1.5], ['warto', 2.0], ['dzieki', 1.5], ['dziekuj', 2.0], ['brawo', 2.5], ['pozytyw', 2.0],
  ['najlepsz', 3.0], ['lepsz', 1.0], ['lepiej', 1.0], ['cudown', 3.0], ['bezproblem', 2.0], ['satysfakc', 2.0],
  ['zachwyc', 3.0], ['uwielbiam', 3.0], ['kocham', 3.0], ['podoba', 2.0], ['dokladn', 1.5], ['troskliw', 2.0],
  ['cierpliw', 2.0], ['empaty', 2.0], ['kulturaln', 1.5], ['serdeczn', 2.0], ['sympatycz', 2.0], ['zyczliw', 2.0],
  ['ok', 1.0], ['okej', 1.0], ['fajn', 2.0], ['fajny', 2.0], ['fajna', 2.0], ['fajne', 2.0], ['ekstra', 2.0],
  ['szczesl', 2.0], ['wdzieczn', 2.5], ['godn', 1.5], ['niesamowit', 3.0], ['nieziemsk', 3.0], ['niezl', 1.5],
  ['niezawodn', 2.5], ['rewelka', 3.0], ['petarda', 2.5], ['sztos', 2.5], ['bomba', 2.0], ['spoko', 1.5],
  ['spokojn', 1.0], ['szybk', 1.0], ['szybko', 1.0], ['tanio', 1.0], ['opiekun', 0.5], ['skuteczn', 2.0],
  ['pomogl', 2.0], ['pomaga', 1.5], ['wyleczy', 2.0], ['ciepl', 1.0], ['usmiech', 1.5], ['zaangazow', 2.0],
  ['rzeczow', 1.5], ['konkretn', 1.0], ['wyrozumial', 2.0], ['wysokiej jakosci', 2.0], ['zdecydowanie polecam', 3.0],
  // complaints
  ['okropn', -3.0], ['straszn', -2.5], ['fataln', -3.0], ['beznadziej', -3.0], ['tragiczn', -3.0], ['tragedi', -2.5],
  ['koszmar', -3.0], ['zle', -2.5], ['zly', -2.5], ['zla', -2.5], ['zlego', -2.5], ['zlej', -2.5], ['zlym', -2.5],
  ['zli', -2.5], ['zlo', -2.5], ['kiepsk', -2.0], ['slaby', -2.0], ['slaba', -2.0], ['slabe', -2.0], ['slabej', -2.0], ['slabego', -2.0],
  ['slabym', -2.0], ['slabi', -2.0], ['slabo', -2.0], ['slabsz', -1.5], ['najgorsz', -3.0], ['gorsz', -1.5],
  ['gorzej', -1.5], ['niemil', -2.5], ['nieuprzejm', -2.5], ['niekompetent', -3.0], ['nieprofesjonal', -3.0],
  ['niezadowol', -2.5], ['rozczarow', -2.5], ['zawiod', -2.5], ['zawied', -2.5], ['oszus', -3.0], ['oszuk', -3.0],
  ['naciag', -2.5], ['skandal', -3.0], ['porazk', -3.0], ['dramat', -2.5], ['masakr', -3.0], ['bubel', -3.0],
  ['szmelc', -3.0], ['zepsut', -2.0], ['zepsul', -2.0], ['uszkodz', -2.0], ['awari', -2.0], ['wadliw', -2.5],
  ['bezczel', -3.0], ['chamsk', -3.0], ['chamstw', -3.0], ['arogan', -2.5], ['opryskliw', -3.0], ['niegrzeczn', -2.5],
  ['lekcewaz', -2.5], ['olewa', -2.5], ['olal', -2.5], ['zenuj', -2.5], ['zenad', -2.5], ['szkoda', -1.5],
  ['niestety', -1.5], ['problem', -1.0], ['drogo', -1.0], ['drogi', -1.0], ['przedrog', -2.0], ['przeplac', -2.0], ['strata', -2.5], ['strat', -2.0],
  ['zmarnowa', -2.5], ['odradzam', -3.0], ['unikac', -2.5], ['unikajcie', -3.0], ['omijac', -2.5],
  ['omijajcie', -3.0], ['bezsens', -2.5], ['bez sensu', -2.5], ['nieprzyjemn', -2.5], ['niekomfort', -1.5],
  ['brudn', -2.0], ['brud', -2.0], ['smierdz', -2.5], ['opozni', -1.5], ['spozni', -1.5], ['denerw', -2.0],
  ['wkurz', -2.5], ['irytuj', -2.0], ['nieudoln', -2.5], ['obojetn', -1.5], ['niedbal', -2.0], ['niechlujn', -2.0],
  ['bylejak', -2.5], ['ignoru', -2.0], ['zbyw', -2.0], ['zbyl', -2.0], ['bezuzyteczn', -2.5], ['nieprzydatn', -2.0],
  ['nie dziala', -2.5], ['nie polecam', -3.0], ['nigdy wiecej', -3.0], ['strata czasu', -3.0], ['strata pieniedzy', -3.0],
  ['szkoda czasu', -3.0], ['szkoda pieniedzy', -3.0], ['nie warto', -2.5], ['bol', -1.0], ['bolesn', -1.5],
  ['cierpi', -1.5], ['placz', -1.5], ['krzycz', -2.0], ['krzyk', -2.0], ['obraz', -2.0], ['niestosown', -2.5],
  ['pomyl', -1.5], ['bled', -1.5], ['blad', -1.5], ['nieprawidlow', -1.5], ['nierzeteln', -2.5], ['niesympatycz', -2.5],
  ['niekulturaln', -2.5], ['oplakan', -2.5], ['zalosn', -2.5], ['kpin', -2.5], ['porazajac', -2.0], ['przeraz', -2.0],
  ['zal', -1.5], ['wstyd', -2.0], ['afera', -2.0], ['reklamac', -1.0], ['zwrot pieniedzy', -1.5], ['oszustwo', -3.0],
]);

/** Longest entry, in words, for phrase lookup. */
export const LONGEST_POLISH_PHRASE = 2;

/** Words that negate the next sentiment word or two ("nie polecam", "nie jest dobrze", "bez sensu"). */
export const POLISH_NEGATORS: ReadonlySet<string> = new Set(['nie', 'nigdy', 'bez', 'brak', 'zaden', 'zadna', 'zadne', 'zadnego', 'ani', 'nic']);

/** Degree adverbs: the next sentiment word is stronger (positive value) or weaker (negative value). */
export const POLISH_BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...['bardzo', 'strasznie', 'niesamowicie', 'naprawde', 'totalnie', 'kompletnie', 'zupelnie', 'wyjatkowo', 'niezwykle',
    'ogromnie', 'mega', 'szalenie', 'absolutnie', 'calkowicie', 'niezmiernie', 'najbardziej', 'wielce', 'okropnie',
    'potwornie', 'zdecydowanie', 'serdecznie', 'nadzwyczaj', 'tak', 'az', 'wprost', 'po prostu'].map((word) => [word, 0.293] as const),
  ...['troche', 'nieco', 'dosc', 'raczej', 'lekko', 'srednio', 'nienajgorzej', 'odrobine'].map((word) => [word, -0.293] as const),
]);

/** The clause after these outweighs the one before; the clause these open is outweighed by the main clause. */
export const POLISH_CONTRAST_AFTER: ReadonlySet<string> = new Set(['ale', 'lecz', 'jednak', 'jednakze', 'natomiast', 'aczkolwiek', 'tylko ze']);
export const POLISH_CONCESSIVE: ReadonlySet<string> = new Set(['choc', 'chociaz', 'mimo', 'pomimo', 'wprawdzie']);
