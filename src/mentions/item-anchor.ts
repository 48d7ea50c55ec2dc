// Which #fragments of a link name an item of their own. Most anchors point into a page (`#top`, `#comments`,
// `#section-title`) and are dropped, so `page#section` and `page` are one story; but a comments or forum feed has one
// item per anchor on one page (`/post/42#comment-7`, `/thread/9#p123`, `#post-55`), and dropping those stored only
// the first of them. Such anchors are element ids with a number in them; that is the whole rule, so it reads one
// link alone and gives the same answer on every poll.

// Element-id characters only: parameters (`#xtor=RSS-3`, `#utm_source=…`, `#t=30`) are tracking or player state,
// which would split one story into one mention per feed that links it.
const ID_CHARACTERS = /^[A-Za-z0-9._-]+$/;
const DIGIT = /\d/;
// An item's id is short; a longer fragment is not one (and is not worth keeping in an id).
const MAX_ANCHOR_LENGTH = 64;

/** The item-naming anchor of a URL's hash (`#comment-7` → `comment-7`), or null when the hash names none. */
export function itemAnchor(hash: string): string | null {
  // A text directive (`#:~:text=…`, also after an anchor: `#p123:~:text=…`) is a highlight, never part of the id.
  const directive = hash.indexOf(':~:');
  const anchor = (directive === -1 ? hash : hash.slice(0, directive)).replace(/^#/, '');
  if (anchor.length === 0 || anchor.length > MAX_ANCHOR_LENGTH) return null;
  return ID_CHARACTERS.test(anchor) && DIGIT.test(anchor) ? anchor : null;
}
