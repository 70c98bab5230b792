/** WCAG contrast of an element's text against what is painted behind it, for the cards' colour tests. */

/** An element's colour over the opaque background behind it, as sRGB bytes (a canvas resolves any CSS colour syntax). */
export function paint(layers: string[]): [number, number, number] {
  const context = document.createElement('canvas').getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  for (const layer of layers) {
    context.fillStyle = layer;
    context.fillRect(0, 0, 1, 1);
  }
  const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
  return [r as number, g as number, b as number];
}

/** The backgrounds behind `element`, outermost first, from its nearest opaque one (shadow-including ancestors). */
function backgrounds(element: Element): string[] {
  const layers: string[] = [];
  for (let node: Element | null = element; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) {
    const color = getComputedStyle(node).backgroundColor;
    layers.unshift(color);
    if (paint(['#000', color]).join() === paint(['#fff', color]).join()) return layers; // opaque
  }
  return ['#fff', ...layers];
}

export function contrast(element: Element): number {
  const behind = backgrounds(element);
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number);
  };
  const [a, b] = [luminance(paint(behind)), luminance(paint([...behind, getComputedStyle(element).color]))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
