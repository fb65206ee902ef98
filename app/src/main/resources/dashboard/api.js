// The /admin JSON API with the operator's token. The token lives in sessionStorage (this tab,
// gone when it closes), never in a URL, a cookie or storage that outlives the tab, and is sent only as a header.
const KEY = 'forgebus.adminToken';

export class SignedOut extends Error {}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/** Calls path (under /admin) and answers its JSON; SignedOut on 401, Error with the API's message otherwise. */
export async function api(path, {method = 'GET', body} = {}) {
  const t = token();
  if (!t) throw new SignedOut('no token');
  const response = await fetch(path, {
    method,
    headers: {'Authorization': 'Bearer ' + t, ...(body === undefined ? {} : {'Content-Type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
    redirect: 'error',
  });
  let json = null;
  try { json = await response.json(); } catch (e) { json = null; }
  if (response.status === 401) {
    signOut();
    throw new SignedOut((json && json.message) || 'unauthorized');
  }
  if (!response.ok && response.status !== 404) {
    throw new Error(response.status + ': ' + ((json && json.message) || response.statusText));
  }
  return {status: response.status, json};
}
