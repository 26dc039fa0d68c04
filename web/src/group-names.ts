/** The names of groups seen in the groups listing, for the members page's title (no GET of one group). */
const groupNames = new Map<string, string>();

export function rememberGroupName(id: string, name: string): void {
  groupNames.set(id, name);
}

export function groupName(id: string): string | undefined {
  return groupNames.get(id);
}
