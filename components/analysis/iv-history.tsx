'use client';
/**
 * IV rank and percentile shown as what they are: the daily closing ATM IVs of the lookback, the
 * low and high they span, and where the current ATM IV sits between them.
 */
import { pctValue, ratio, shortDate } from '@/components/analysis/format';
import type { RegimeReading } from '@/engine/analysis/regime';

type Close = { day: string; atmIv?: number };

const H = 170;
const PAD_B = 30;

export function IvHistory(props: {
  closes: Close[];
  reading: RegimeReading;
  lookbackDays: number;
}) {
  const { reading } = props;
  // The ivRank fact's window: past sessions only, lookbackDays - 1 of them.
  const window = props.closes
    .slice(Math.max(0, props.closes.length - (props.lookbackDays - 1)))
    .filter((c): c is Required<Close> => c.atmIv !== undefined);
  const now = reading.atmIv;
  if (window.length === 0 || now === undefined)
    return (
      <p className="text-xs text-zinc-400" data-testid="iv-history">
        {now === undefined
          ? 'No ATM IV at this snapshot.'
          : `No earlier session in this dataset to rank today's ATM IV (${pctValue(now)}) against: the ivRank fact then reads 50 by definition. Pick a dataset folder with more days.`}
      </p>
    );
  const bars = [
    ...window.map((c) => ({ label: shortDate(c.day), iv: c.atmIv, now: false })),
    {
      label: 'now',
      iv: now,
      now: true,
    },
  ];
  const lo = Math.min(...bars.map((b) => b.iv));
  const hi = Math.max(...bars.map((b) => b.iv));
  const floor = lo * 0.8;
  const y = (v: number) => (H - PAD_B) * (1 - (v - floor) / Math.max(1e-9, hi - floor)) + 4;
  const width = 480;
  const slot = (width - 40) / bars.length;
  const every = Math.max(1, Math.round(bars.length / 12));
  return (
    <figure className="space-y-1" data-testid="iv-history">
      <svg
        viewBox={`0 0 ${width} ${H}`}
        className="w-full"
        role="img"
        aria-label="Daily closing ATM IV and today's"
      >
        {[lo, hi].map((v) => (
          <g key={v}>
            <line x1={36} x2={width} y1={y(v)} y2={y(v)} stroke="#3f3f46" strokeDasharray="3 3" />
            <text x={32} y={y(v) + 3} textAnchor="end" className="fill-zinc-500 text-[10px]">
              {pctValue(v)}
            </text>
          </g>
        ))}
        {bars.map((b, i) => (
          <g key={`${b.label}${i}`}>
            <rect
              x={40 + i * slot + slot * 0.15}
              y={y(b.iv)}
              width={slot * 0.7}
              height={H - PAD_B - y(b.iv) + 4}
              fill={b.now ? '#38bdf8' : '#52525b'}
            >
              <title>{`${b.label}: ATM IV ${pctValue(b.iv, 2)}`}</title>
            </rect>
            {(i % every === 0 || b.now) && (
              <text
                x={40 + (i + 0.5) * slot}
                y={H - 10}
                textAnchor="middle"
                className="fill-zinc-500 text-[10px]"
              >
                {b.label}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption className="text-[11px] text-zinc-500">
        IV rank {ratio(reading.ivRank, 0)} · percentile{' '}
        {reading.ivPercentile === undefined ? '—' : `${Math.round(reading.ivPercentile)}%`} over{' '}
        {reading.sessions} past session{reading.sessions === 1 ? '' : 's'} (of{' '}
        {props.lookbackDays - 1} the lookback allows). Rank = (now − low) / (high − low); percentile
        = share of closes below now.
      </figcaption>
    </figure>
  );
}
