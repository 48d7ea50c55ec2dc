// A binary min-heap of (key, value) pairs; ties come out in the order of `value` so that the order is reproducible.
export class MinHeap {
  private readonly keys: number[] = [];
  private readonly values: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, value: string): void {
    this.keys.push(key);
    this.values.push(value);
    this.siftUp(this.keys.length - 1);
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  pop(): { key: number; value: string } | undefined {
    if (this.keys.length === 0) return undefined;
    const top = { key: this.keys[0] as number, value: this.values[0] as string };
    const lastKey = this.keys.pop() as number;
    const lastValue = this.values.pop() as string;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      this.siftDown(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const keyA = this.keys[a] as number;
    const keyB = this.keys[b] as number;
    return keyA < keyB || (keyA === keyB && (this.values[a] as string) < (this.values[b] as string));
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b] as number, this.keys[a] as number];
    [this.values[a], this.values[b]] = [this.values[b] as string, this.values[a] as string];
  }

  private siftUp(index: number): void {
    let at = index;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.less(at, parent)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(index: number): void {
    let at = index;
    for (;;) {
      const left = at * 2 + 1;
      const right = left + 1;
      let smallest = at;
      if (left < this.keys.length && this.less(left, smallest)) smallest = left;
      if (right < this.keys.length && this.less(right, smallest)) smallest = right;
      if (smallest === at) return;
      this.swap(at, smallest);
      at = smallest;
    }
  }
}
