/** The app's few inline SVG icons. */
import type { SVGProps } from 'react';

const base = { width: 16, height: 16, viewBox: '0 0 16 16', fill: 'none', 'aria-hidden': true } as const;

export const PlusIcon = (p: SVGProps<SVGSVGElement>) => (
  <svg {...base} {...p}>
    <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
  </svg>
);

export const BatonMark = (p: SVGProps<SVGSVGElement>) => (
  <svg width="22" height="22" viewBox="0 0 64 64" aria-hidden {...p}>
    <rect width="64" height="64" rx="14" fill="var(--accent)" />
    <path d="M18 46 L42 22" stroke="var(--accent-text)" strokeWidth="7" strokeLinecap="round" />
    <circle cx="45" cy="19" r="6" fill="var(--accent-text)" />
  </svg>
);

export const GearIcon = (p: SVGProps<SVGSVGElement>) => (
  <svg {...base} {...p}>
    <circle cx="8" cy="8" r="2.2" stroke="currentColor" strokeWidth="1.4" />
    <path
      d="M8 1.8v1.6M8 12.6v1.6M14.2 8h-1.6M3.4 8H1.8M12.4 3.6l-1.1 1.1M4.7 11.3l-1.1 1.1M12.4 12.4l-1.1-1.1M4.7 4.7 3.6 3.6"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
    />
  </svg>
);
