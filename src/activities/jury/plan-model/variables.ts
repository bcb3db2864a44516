/** Variable names. */
export const v = {
  jury: (s: number, j: number) => `y${s}_${j}`,
  sits: (c: number, s: number) => `x${c}_${s}`,
  unplaced: (c: number) => `u${c}`,
};
