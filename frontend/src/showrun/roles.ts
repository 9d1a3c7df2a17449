// Who may do what on the show run (docs/drafts.md, docs/cues.md): operators write and
// submit; producers and admins also approve, fire, schedule and re-arm; viewers read.

export const canDirect = (role: string): boolean => role === "producer" || role === "admin";
export const canWrite = (role: string): boolean => canDirect(role) || role === "operator";
