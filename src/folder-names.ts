// Folder names as the server makes them unique (no VS Code import: unit-tested beside the server's).
/** The server's names for folders named `names`, in order (kept in step with rootNames in server/workspace/roots.ts). */
export function folderNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw) => {
    let base = raw.trim().replace(/[\\/:*?"<>|\0]/g, '_').replace(/^\.+$/, '_') || 'root';
    if (!base) base = 'root';
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
}
