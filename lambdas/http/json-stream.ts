/**
 * A JSON body produced in pieces (a group's members arrive page by page from DynamoDB). The response
 * layer gzips the pieces as they come when the client accepts gzip, so a 100,000-member group is never
 * held as one uncompressed string.
 */
export class JsonStream {
  constructor(readonly pieces: () => AsyncIterable<string>) {}
}
