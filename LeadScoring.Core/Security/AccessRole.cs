namespace LeadScoring.Core.Security;

/// <summary>Who is calling, and so what they may see.</summary>
public enum AccessRole
{
    /// <summary>Everything, including settings and model operations.</summary>
    Admin,

    /// <summary>Sales managers: all scores and metrics.</summary>
    Manager,

    /// <summary>Sales reps: priority levels and next actions only, never numeric scores.</summary>
    Rep,

    /// <summary>Marketing: aggregate trends only, never an individual lead.</summary>
    Marketing,
}
