// Builds DOM nodes. Text from the API only ever becomes a text node (never markup): the
// dashboard never assigns innerHTML, so a repository named "<img onerror=...>" is shown as text.

/** el('td', {class: 'x'}, 'text', otherNode): attributes as properties-free setAttribute, children as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A table with one header row and one row per item; cells(item) returns the cells' contents. */
export function table(id, headers, items, cells, rowAttrs = () => ({})) {
  return el('table', {id},
    el('thead', {}, el('tr', {}, headers.map(h => el('th', {}, h)))),
    el('tbody', {}, items.map(item => el('tr', rowAttrs(item), cells(item).map(c => el('td', {}, c))))));
}

/** Pretty JSON as text. */
export function jsonBlock(id, value) {
  return el('pre', {id, class: 'json'}, JSON.stringify(value, null, 2));
}
