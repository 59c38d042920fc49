// Series colours: distinguishable for common colour-vision deficiencies (Okabe-Ito), dark enough
// for lines on white; legends and tables carry the names, never colour alone.
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#6b4c9a",
  "#444444",
];
export const INK = "#17232c";
export const MUTED = "#4a5b68";
export const LINE = "#c9d3db";
