/**
 * @module
 * The benign internet: services users and servers talk to, with addresses of the kind those
 * services really answer from, plus web clients of the public web server. Attackers live only
 * in the documentation ranges (see `world.ts`), so no real address is ever cast as hostile.
 */
import type { Rng } from '../engine/prng.js';
import type { Service } from './world.js';

/** HTTPS destinations of browsers and desktop apps, with a popularity weight. */
export const WEB: readonly (readonly [Service, number])[] = [
  [{ domain: 'www.google.com', ips: ['142.250.185.68', '142.250.74.36'], port: 443 }, 10],
  [{ domain: 'login.microsoftonline.com', ips: ['20.190.160.20', '40.126.32.68'], port: 443 }, 6],
  [{ domain: 'corpexample.sharepoint.com', ips: ['13.107.136.10', '13.107.138.10'], port: 443 }, 8],
  [{ domain: 'github.com', ips: ['140.82.121.4', '140.82.121.3'], port: 443 }, 3],
  [{ domain: 'www.wikipedia.org', ips: ['185.15.59.224'], port: 443 }, 3],
  [{ domain: 'www.linkedin.com', ips: ['13.107.42.14'], port: 443 }, 3],
  [{ domain: 'stackoverflow.com', ips: ['151.101.65.69', '151.101.193.69'], port: 443 }, 2],
  [{ domain: 'www.bbc.co.uk', ips: ['151.101.0.81', '151.101.64.81'], port: 443 }, 2],
  [{ domain: 'docs.google.com', ips: ['142.250.185.110'], port: 443 }, 3],
  [{ domain: 'fonts.gstatic.com', ips: ['142.250.186.35'], port: 443 }, 4],
  [{ domain: 'cdn.jsdelivr.net', ips: ['151.101.1.229'], port: 443 }, 2],
  [{ domain: 'www.youtube.com', ips: ['142.250.186.46'], port: 443 }, 2],
  [{ domain: 'zoom.us', ips: ['170.114.52.2'], port: 443 }, 1],
  [{ domain: 'www.amazon.com', ips: ['54.239.28.85'], port: 443 }, 1],
];

/** Mail and collaboration endpoints of desktop apps. */
export const OFFICE_SERVICES = {
  outlook: { domain: 'outlook.office365.com', ips: ['52.97.183.146', '40.99.10.34', '52.98.152.178'], port: 443 },
  teams: { domain: 'teams.microsoft.com', ips: ['52.113.194.132', '52.112.95.2'], port: 443 },
  onedrive: { domain: 'corpexample-my.sharepoint.com', ips: ['13.107.136.10'], port: 443 },
} as const satisfies Record<string, Service>;

/** Background endpoints of Windows itself and updaters. */
export const SYSTEM_SERVICES: readonly Service[] = [
  { domain: 'settings-win.data.microsoft.com', ips: ['20.42.65.92', '20.42.73.29'], port: 443 },
  { domain: 'v10.events.data.microsoft.com', ips: ['20.189.173.1', '20.42.72.131'], port: 443 },
  { domain: 'update.googleapis.com', ips: ['142.250.184.227'], port: 443 },
  { domain: 'wdcp.microsoft.com', ips: ['52.183.220.149'], port: 443 },
  { domain: 'go.microsoft.com', ips: ['23.53.122.100'], port: 443 },
];

/** Plain-HTTP fetches (certificate status, update metadata) that show up in http.log. */
export const HTTP_FETCHES: readonly {
  readonly service: Service;
  readonly uris: readonly string[];
  readonly mime: string;
}[] = [
  {
    service: { domain: 'ocsp.digicert.com', ips: ['93.184.220.29'], port: 80 },
    uris: [
      '/MFEwTzBNMEswSTAJBgUrDgMCGgUABBSAUQYBMq2awn1Rh6Doh%2FsBYgFV7gQUA95QNVbRTLtm8KPiGxvDl7I90VUCEAJ0LqoXyo4hxxe7H%2Fz9DKA%3D',
      '/MFEwTzBNMEswSTAJBgUrDgMCGgUABBTfqhLjKLEJQZPin0KCzkdAQpVYowQUsT7DaQP4v0cB1JgmGggC72NkK8MCEA3Ma1A6Cth%2FJxXo8Z0fNt0%3D',
    ],
    mime: 'application/ocsp-response',
  },
  {
    service: { domain: 'ctldl.windowsupdate.com', ips: ['93.184.221.240'], port: 80 },
    uris: [
      '/msdownload/update/v3/static/trustedr/en/authrootstl.cab?b1d5e4cf3fd2a2d6',
      '/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab?6b4f3b0bb34b2c0e',
    ],
    mime: 'application/vnd.ms-cab-compressed',
  },
];

/** Linux package mirrors (apt over HTTP). */
export const APT_MIRRORS: readonly Service[] = [
  { domain: 'archive.ubuntu.com', ips: ['91.189.91.81', '185.125.190.36'], port: 80 },
  { domain: 'security.ubuntu.com', ips: ['91.189.91.82', '185.125.190.39'], port: 80 },
];

/** NTP servers the Linux hosts sync with. */
export const NTP_SERVER = { domain: 'ntp.ubuntu.com', ips: ['185.125.190.57', '185.125.190.58'], port: 123 } as const;

/** First octets of the consumer-ISP blocks visitors of the public web server come from. */
const CLIENT_BLOCKS = [
  31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 94, 95, 176, 178, 188, 212, 213, 217,
];

/** A public address of a visitor of the web server. */
export function visitorIp(rng: Rng): string {
  return `${rng.pick(CLIENT_BLOCKS)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** Browser user agents by image name. */
export const USER_AGENTS = {
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  msedge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  cryptoapi: 'Microsoft-CryptoAPI/10.0',
  apt: 'Debian APT-HTTP/1.3 (2.4.11)',
} as const;
