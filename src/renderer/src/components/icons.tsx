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
