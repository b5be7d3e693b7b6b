namespace LeadScoring.HubSpotEmulator.Simulation;

/// <summary>In which order the simulated sales team takes leads off the pool.</summary>
public enum WorkOrder
{
    /// <summary>Highest <c>ai_lead_score</c> first (the product's written score).</summary>
    Score,

    /// <summary>Newest lead first, ignoring the score.</summary>
    Arrival,
}

/// <summary>How the simulated portal lives: arrivals, the team's capacity and how it chooses.</summary>
public sealed record SimulationOptions
{
    /// <summary>Seeds every draw of the simulation (the portal's own seed is <see cref="EmulatorOptions.Seed"/>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>New leads per simulated week, spread over its seven days.</summary>
    public int ContactsPerWeek { get; init; } = 100;

    /// <summary>Leads the sales team can work per week, fixed.</summary>
    public int WeeklyCapacity { get; init; } = 40;

    public WorkOrder Order { get; init; } = WorkOrder.Score;

    /// <summary>Share of the weekly capacity spent on randomly chosen unworked leads instead of the top of the order.</summary>
    public double ExploreShare { get; init; }
}
