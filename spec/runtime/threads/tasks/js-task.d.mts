/** double returns 2 * n and the threadId it ran on. */
export declare const double: (n: number) => { value: number; threadId: number };
