const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

function browserOf(ua: string): string {
  if (/Edg\//.test(ua)) return 'Edge';
  if (/Firefox\//.test(ua)) return 'Firefox';
  if (/Chrom(e|ium)\//.test(ua)) return 'Chrome';
  if (/Safari\//.test(ua)) return 'Safari';
  if (/node|undici/i.test(ua)) return 'Parley SDK';
  return 'Unknown browser';
}

function systemOf(ua: string): string | undefined {
  if (/Android/.test(ua)) return 'Android';
  if (/iPhone|iPad|iPod/.test(ua)) return 'iOS';
  if (/Windows/.test(ua)) return 'Windows';
  if (/Mac OS X|Macintosh/.test(ua)) return 'macOS';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Linux/.test(ua)) return 'Linux';
  return undefined;
}

/** "Chrome on Linux" from a User-Agent header (for display only). */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const system = systemOf(ua);
  return system ? `${browserOf(ua)} on ${system}` : browserOf(ua);
}
