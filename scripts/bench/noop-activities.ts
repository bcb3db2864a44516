/** The benchmark's no-op activity (diagnostic: the cost of one activity inside an Update). */
export function benchActivities() {
  return {
    async noopActivity(n: number): Promise<number> {
      return n;
    },
  };
}
