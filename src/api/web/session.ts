// The signed-in key, kept for this tab only (sessionStorage: gone when the tab closes, never sent anywhere but the
// Authorization header).
const STORAGE_KEY = 'buzzwatch.apiKey';

export function currentKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function keepKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
