// The English word lists the scorer's rules read: negators, intensifiers and dampeners, contrast words, valences that
// VADER's lexicon lacks (complaints about services, emoji), and phrases whose meaning is not that of their words.

/** Words that flip the valence of a sentiment word shortly after them (VADER's list, plus spellings it lacks). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'aint', 'arent', 'cannot', 'cant', 'couldnt', 'darent', 'didnt', 'doesnt', "ain't", "aren't", "can't", "couldn't",
  "daren't", "didn't", "doesn't", 'dont', 'hadnt', 'hasnt', 'havent', 'isnt', 'mightnt', 'mustnt', 'neither', "don't",
  "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", 'neednt', "needn't", 'never', 'none', 'nope', 'nor',
  'not', 'nothing', 'nowhere', 'oughtnt', 'shant', 'shouldnt', 'wasnt', 'werent', "oughtn't", "shan't", "shouldn't",
  "wasn't", "weren't", 'without', 'wont', 'wouldnt', "won't", "wouldn't", 'rarely', 'seldom', 'despite', 'neva', 'dnt',
]);

/** "fails to impress" is not impressive, and "never fails to disappoint" disappoints: they negate what follows. */
export const NEGATING_VERBS: ReadonlySet<string> = new Set(['fail', 'fails', 'failed', 'failing', 'refuse', 'refuses', 'refused', 'lack', 'lacks', 'lacked', 'lacking']);

/** Degree adverbs: the next sentiment word is stronger (positive value) or weaker (negative value). VADER's 0.293. */
const INCREASE = 0.293;
const DECREASE = -0.293;
/** Two-word degree adverbs ("kind of good" is less than good). */
const PHRASE_BOOSTER_ENTRIES = [
  ['kind of', DECREASE], ['sort of', DECREASE], ['a bit', DECREASE], ['a little', DECREASE], ['just enough', DECREASE],
  ['a lot', INCREASE], ['so much', INCREASE],
] as const;
export const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...PHRASE_BOOSTER_ENTRIES,
  ...[
    'absolutely', 'amazingly', 'awfully', 'completely', 'considerable', 'considerably', 'decidedly', 'deeply',
    'effing', 'enormous', 'enormously', 'entirely', 'especially', 'exceptional', 'exceptionally', 'extreme',
    'extremely', 'fabulously', 'flipping', 'flippin', 'frackin', 'fracking', 'fricking', 'frickin', 'frigging',
    'friggin', 'fully', 'fuckin', 'fucking', 'fuggin', 'fugging', 'greatly', 'hella', 'highly', 'hugely',
    'incredible', 'incredibly', 'intensely', 'major', 'majorly', 'more', 'most', 'particularly', 'purely', 'quite',
    'really', 'remarkably', 'so', 'substantially', 'thoroughly', 'total', 'totally', 'tremendous', 'tremendously',
    'uber', 'unbelievably', 'unusually', 'utter', 'utterly', 'very', 'soo', 'sooo', 'soooo', 'truly', 'insanely',
  ].map((word) => [word, INCREASE] as const),
  ...[
    'almost', 'kinda', 'kindof', 'kind-of', 'less', 'little', 'marginally', 'occasionally', 'partly',
    'slightly', 'somewhat', 'sorta', 'sortof', 'sort-of', 'barely', 'hardly', 'scarcely', 'just enough', 'fairly',
    'mildly', 'moderately',
  ].map((word) => [word, DECREASE] as const),
]);

/** The clause after these outweighs the one before ("love the brand but support sucks"). */
export const CONTRAST_AFTER: ReadonlySet<string> = new Set(['but', 'however', 'yet', 'nevertheless', 'nonetheless']);
/** The clause these open is outweighed by the main clause ("although it is cheap, it broke in a week"). */
export const CONTRAST_CONCESSIVE: ReadonlySet<string> = new Set(['although', 'though', 'despite', 'while', 'whereas', 'even though']);

/**
 * Valences VADER's lexicon lacks or rates for another sense, on its scale (-4..4): complaints about products and
 * services, which is most of what brand monitoring has to hear.
 */
export const EXTRA_VALENCES: ReadonlyMap<string, number> = new Map([
  ['outage', -2.0], ['outages', -2.0], ['downtime', -1.5], ['refund', -1.2], ['refunds', -1.0], ['refunded', -0.5],
  ['overcharged', -2.2], ['overpriced', -1.8], ['ripoff', -2.5], ['rip-off', -2.5], ['scammed', -2.7],
  ['scammers', -2.7], ['scams', -2.5], ['unresponsive', -2.0], ['buggy', -1.8], ['glitch', -1.2], ['glitches', -1.3],
  ['glitchy', -1.5], ['crashes', -1.7], ['crashing', -1.7], ['crashed', -1.7], ['laggy', -1.5], ['defective', -2.1],
  ['malfunction', -1.8], ['malfunctioning', -1.8], ['hacked', -2.0], ['breach', -1.8], ['leaked', -1.5],
  ['delayed', -1.2], ['unusable', -2.3], ['broke', -1.8], ['misleading', -2.0], ['lawsuit', -1.5],
  ['recalled', -1.3], ['fraudulent', -2.8], ['spam', -1.5], ['spammy', -1.7], ['rude', -2.0], ['uninstalled', -1.5],
  ['unsubscribe', -1.0], ['cancelling', -1.0], ['canceling', -1.0], ['wtf', -2.8], ['smh', -1.3], ['fml', -2.5],
  ['dissapointed', -2.2], ['dissapointing', -2.2], ['dissapointment', -2.2], ['recommend', 1.5], ['recommended', 1.5],
  ['recommending', 1.5], ['worth', 1.0], ['flawless', 2.8], ['seamless', 2.0], ['reliable', 2.0], ['sluggish', -1.5],
  // Said of a brand, these name a department or a request rather than praise it ("support sucks", "need help").
  ['support', 0], ['supports', 0], ['help', 0],
]);



/**
 * Phrases whose meaning is not the sum of their words, scored as one unit (their words then count for nothing).
 * Complaints first; then VADER's idioms.
 */
export const PHRASE_VALENCES: ReadonlyMap<string, number> = new Map([
  ['no response', -2.0], ['no reply', -2.0], ['no answer', -1.5], ['no one answers', -2.0], ['nobody answers', -2.0],
  ['still waiting', -2.0], ['still no', -1.5], ['still not', -1.5], ['never again', -2.5], ['waste of money', -2.8],
  ['waste of time', -2.5], ['on hold', -1.2], ['not working', -2.0], ["doesn't work", -2.0], ["didn't work", -2.0],
  ["won't work", -1.8], ['does not work', -2.0], ['stopped working', -2.2], ['not worth', -2.0], ['rip off', -2.5],
  ['charged twice', -2.2], ['customer service', 0], ['customer support', 0], ['no thanks', -1.0],
  ['thanks for nothing', -2.5], ['yeah right', -2.0], ['so much for', -1.5], ['the shit', 3.0], ['the bomb', 3.0],
  ['bad ass', 1.5], ['badass', 1.5], ['cut the mustard', 2.0], ['kiss of death', -1.5], ['hand to mouth', -2.0],
  ['kind of', 0], ['sort of', 0], ['a bit', 0], ['a little', 0], ['no doubt', 1.0], ['without doubt', 1.0],
  ['no problem', 1.0], ['no problems', 1.0], ['no worries', 1.0], ['no issues', 1.0], ['not bad', 1.5],
  ['pretty good', 2.0], ['pretty bad', -2.0], ['well done', 2.5], ['must have', 1.5], ['must-have', 1.5],
  ['fell apart', -2.2], ['falls apart', -2.2], ['gave up', -1.2], ['give up', -1.0], ['let down', -2.0],
  ['let me down', -2.2], ['not impressed', -2.0], ['high quality', 2.0], ['low quality', -2.0], ['poor quality', -2.3],
  ['money back', -1.2], ['want my money back', -2.5], ['as advertised', 1.0], ['works great', 3.0], ['works well', 2.5],
  ['works fine', 1.8], ['works perfectly', 3.0], ['big fan', 2.5], ['highly recommend', 3.0], ['top notch', 3.0],
  ['5 stars', 3.0], ['five stars', 3.0], ['1 star', -2.5], ['one star', -2.5], ['zero stars', -3.0],
]);

/** "Oh great, another outage": praise opened like this and followed by something negative is sarcasm. */
export const SARCASM_OPENERS: ReadonlySet<string> = new Set(['oh', 'just', 'wow', 'gee', 'yay']);
