namespace LeadScoring.HubSpotEmulator.Simulation;

/// <summary>
/// A clock the simulation moves: real time flows (so rate-limit windows, timeouts and retry delays behave as usual),
/// and <see cref="Advance"/> jumps it forward by days or weeks at once. Timers run on the system clock.
/// </summary>
public sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    private readonly long _started = System.GetTimestamp();
    private long _offsetTicks;

    /// <summary>Where the simulated timeline began.</summary>
    public DateTimeOffset Start { get; } = start;

    public override DateTimeOffset GetUtcNow() =>
        Start + System.GetElapsedTime(_started) + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves simulated time forward by <paramref name="by"/> (never back).</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
