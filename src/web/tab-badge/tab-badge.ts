/** The unread count in the tab: "(3) Parley" in the title and a badge drawn on the favicon. Plain DOM, no framework. */

const PREFIX = /^\(\d+\+?\) /;

/** "(3) Conversations · Parley"; 0 removes the prefix. Over 99 shows "99+". */
export function titleWithCount(title: string, count: number): string {
  const bare = title.replace(PREFIX, '');
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${bare}` : bare;
}

let currentCount = 0;
let observer: MutationObserver | undefined;

function applyTitle(): void {
  const wanted = titleWithCount(document.title, currentCount);
  if (document.title !== wanted) document.title = wanted;
}

/**
 * Keeps the count in the title, whatever page sets the title next (pages set `document.title` themselves): a
 * MutationObserver on <title> puts the prefix back after every change.
 */
export function setTitleCount(count: number): void {
  currentCount = count;
  applyTitle();
  if (!observer && count > 0) {
    observer = new MutationObserver(applyTitle);
    const title = document.querySelector('title');
    if (title) observer.observe(title, { childList: true, characterData: true, subtree: true });
  }
}

export function stopTitleCount(): void {
  observer?.disconnect();
  observer = undefined;
  currentCount = 0;
  applyTitle();
}

/* ---- The favicon badge ---- */

const BADGE_LINK_ID = 'parley-badge-icon';
let baseIcon: Promise<HTMLImageElement> | undefined;

function loadBaseIcon(): Promise<HTMLImageElement> {
  baseIcon ??= new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('favicon.svg did not load'));
    img.src = '/favicon.svg';
  });
  return baseIcon;
}

/** Draws the app icon with a red disc and the count in its top-right corner; 0 restores the plain icon. */
export async function setFaviconCount(count: number): Promise<void> {
  const existing = document.getElementById(BADGE_LINK_ID);
  if (count <= 0) {
    existing?.remove();
    return;
  }
  const img = await loadBaseIcon();
  const size = 64;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.drawImage(img, 0, 0, size, size);
  const label = count > 99 ? '99+' : String(count);
  const radius = label.length > 1 ? 22 : 18;
  ctx.beginPath();
  ctx.arc(size - radius + 2, radius - 2, radius, 0, Math.PI * 2);
  ctx.fillStyle = '#c5221f';
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.font = `bold ${label.length > 2 ? 20 : 28}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, size - radius + 2, radius);
  const link = (existing as HTMLLinkElement | null) ?? document.createElement('link');
  link.id = BADGE_LINK_ID;
  link.rel = 'icon';
  link.type = 'image/png';
  link.href = canvas.toDataURL('image/png');
  // The last icon link wins: the badge goes after the page's own icons.
  document.head.appendChild(link);
}
