/**
 * A failure reason as its submitter reads it: the runner's own filesystem paths (cache, datasets, model
 * files) become `<runner>/…/name`, keeping the file's name, which is what tells an author or an admin what
 * is missing. The runner's log keeps the full text. URLs are left as they are.
 */
export function publicReason(reason: string): string {
  return reason.replace(/(?<![\w.$:/~-])\/(?:[\w.@+=-]+\/)+([\w.@+=-]*)/g, (_path, name: string) => `<runner>/…/${name}`);
}
