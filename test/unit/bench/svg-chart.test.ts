import { escapeXml, formatTick, lineChart, niceTicks } from '../../../bench/svg-chart';

/** A minimal well-formedness check: every tag closes, in order (no XML parser in the dependencies). */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

describe('svg line chart', () => {
  const svg = lineChart({
    title: 'Lookup <latency> & size',
    xLabel: 'users',
    yLabel: 'ms',
    series: [
      {
        name: 'p50',
        points: [
          { x: 50_000, y: 3.1 },
          { x: 1_000, y: 3 },
          { x: 10_000, y: 3.05 },
        ],
      },
      {
        name: 'p95',
        dashed: true,
        points: [
          { x: 1_000, y: 6 },
          { x: 10_000, y: 6.2 },
          { x: 50_000, y: 7 },
        ],
      },
    ],
  });

  it('is a well-formed SVG document with a title, axes labels and a legend entry per series', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expectWellFormed(svg);
    expect(svg).toContain('<title>Lookup &lt;latency&gt; &amp; size</title>');
    expect(svg).toContain('>users</text>');
    expect(svg).toContain('>ms</text>');
    expect(svg.match(/class="legend"/g)).toHaveLength(2);
  });

  it('draws one polyline per series, points sorted by x, the p95 dashed', () => {
    const lines = [...svg.matchAll(/<polyline[^>]*data-series="([^"]+)"[^>]*points="([^"]+)"/g)];
    expect(lines.map((l) => l[1])).toEqual(['p50', 'p95']);
    for (const [, , points] of lines) {
      const xs = points.split(' ').map((p) => Number(p.split(',')[0]));
      expect(xs).toHaveLength(3);
      expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    }
    expect(svg).toMatch(/data-series="p95"[^>]*stroke-dasharray/);
    expect(svg).not.toMatch(/data-series="p50"[^>]*stroke-dasharray/);
    // Higher values are drawn higher (smaller y): p95 above p50 at the same x.
    const firstY = (l: RegExpMatchArray) => Number(l[2].split(' ')[0].split(',')[1]);
    expect(firstY(lines[1])).toBeLessThan(firstY(lines[0]));
  });

  it('labels ticks with round values covering the data', () => {
    expect(niceTicks(0, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1_000, 50_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
    expect(formatTick(20_000)).toBe('20k');
    expect(formatTick(1_500)).toBe('1.5k');
    expect(formatTick(0.25)).toBe('0.25');
    expect(svg).toContain('>50k</text>');
    expect(escapeXml(`"a'<b>&`)).toBe('&quot;a&apos;&lt;b&gt;&amp;');
  });

  it('survives empty and non-finite series', () => {
    const empty = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 'none', points: [{ x: 1, y: Number.NaN }] }],
    });
    expectWellFormed(empty);
    expect(empty).not.toContain('NaN');
  });
});
