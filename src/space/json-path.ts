/** Turns a JSON pointer ("/normal/2/1/input") into the path style of our messages ("normal[2][1].input"). */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  let path = '';
  for (const rawSegment of pointer.slice(1).split('/')) {
    const segment = rawSegment.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path;
}

/** Appends a property to a message path. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' || parent === '(root)' ? key : `${parent}.${key}`;
}
