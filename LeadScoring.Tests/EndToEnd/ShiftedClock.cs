namespace LeadScoring.Tests.EndToEnd;

/// <summary>Real time moved by <see cref="Offset"/>: what the product reads as "now" (timers and waits stay real).</summary>
internal sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
