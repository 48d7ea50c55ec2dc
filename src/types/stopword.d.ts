// Type declarations for stopword 3 (lists of stop words per ISO 639-3 language), which ships none.
declare module 'stopword' {
  const lists: Record<string, string[] | undefined>;
  export = lists;
}
