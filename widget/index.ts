// Placeholder entry until the element lands (issue 4): the build needs an entry.
export const VERSION = '0.1.0';
