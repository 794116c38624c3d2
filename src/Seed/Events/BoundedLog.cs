using System.Collections.Immutable;

namespace Flock.Seed.Events;

/// <summary>
/// The last <see cref="Capacity"/> things that happened, oldest first, each numbered one more than the one before: a
/// long-lived seed keeps a window, and a reader that asks for what came after the last number it saw gets the rest
/// (one that fell behind by more than the window simply misses the oldest). Immutable, so an actor swaps it whole.
/// </summary>
public sealed record BoundedLog<T>(ImmutableQueue<T> Items, int Count, long LastSequence, int Capacity)
{
    public static BoundedLog<T> Empty(int capacity) => new(ImmutableQueue<T>.Empty, 0, 0, capacity);

    /// <summary>Adds the item <paramref name="create"/> makes with its sequence number, dropping the oldest past the capacity.</summary>
    public BoundedLog<T> Add(Func<long, T> create)
    {
        var items = Items.Enqueue(create(LastSequence + 1));
        var count = Count + 1;
        for (; count > Capacity; count--) items = items.Dequeue();
        return this with { Items = items, Count = count, LastSequence = LastSequence + 1 };
    }

    /// <summary>The items numbered after <paramref name="sequence"/>, oldest first.</summary>
    public IReadOnlyList<T> After(long sequence, Func<T, long> sequenceOf) => Items.Where(i => sequenceOf(i) > sequence).ToArray();
}
