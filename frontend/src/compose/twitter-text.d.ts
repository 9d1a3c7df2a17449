// twitter-text ships no types, and @types/twitter-text would be a second dependency for one
// function: declare just the part of its default export that length.ts calls.
declare module "twitter-text" {
  export interface UrlEntity {
    url: string;
    /** [start, end) in UTF-16 code units, like the string's own indices. */
    indices: [number, number];
  }

  interface TwitterText {
    extractUrlsWithIndices(
      text: string,
      options?: { extractUrlsWithoutProtocol: boolean },
    ): UrlEntity[];
  }

  const twitterText: TwitterText;
  export default twitterText;
}
