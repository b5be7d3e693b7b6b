using System.Text.RegularExpressions;

namespace LeadScoring.Core.Storage;

/// <summary>Names of every queue and table; a non-empty prefix isolates tests (lowercase letters/digits, ≤ 12 chars).</summary>
public sealed partial class StorageNames
{
    public const int MaxPrefixLength = 12;

    public StorageNames(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);

        // A table name must start with a letter, so a prefix must too.
        if (prefix.Length > 0 && !PrefixPattern().IsMatch(prefix))
        {
            throw new ArgumentException(
                $"A storage prefix is a lowercase letter followed by lowercase letters or digits, at most {MaxPrefixLength} characters in all (was '{prefix}').",
                nameof(prefix));
        }

        Prefix = prefix;
        ScoreRequests = $"{prefix}score-requests";
        ScoreRequestsPoison = $"{prefix}score-requests-poison";
        WebhookEvents = $"{prefix}WebhookEvents";
        ScoreHistory = $"{prefix}ScoreHistory";
        LastScores = $"{prefix}LastScores";
        LeadSnapshots = $"{prefix}LeadSnapshots";
        LeadIndex = $"{prefix}LeadIndex";
        LeadIndexById = $"{prefix}LeadIndexById";
        Enrollments = $"{prefix}Enrollments";
        Checkpoints = $"{prefix}Checkpoints";
        PipelineErrors = $"{prefix}PipelineErrors";
        TrainingRecords = $"{prefix}TrainingRecords";
        TrainingVectors = $"{prefix}TrainingVectors";
        Models = $"{prefix}Models";
        ModelFiles = $"{prefix}models";
        Sessions = $"{prefix}Sessions";
        DataProtectionKeys = $"{prefix}dataprotection";
        Queues = [ScoreRequests, ScoreRequestsPoison];
        Tables = [WebhookEvents, ScoreHistory, LastScores, LeadSnapshots, LeadIndex, LeadIndexById, Enrollments, Checkpoints, PipelineErrors, TrainingRecords, TrainingVectors, Models, Sessions];
        BlobContainers = [ModelFiles, DataProtectionKeys];
    }

    public string Prefix { get; }

    /// <summary>Table of the model registry: one row per trained (or refused) model and the current-model pointer.</summary>
    public string Models { get; }

    /// <summary>Blob container of the trained model files.</summary>
    public string ModelFiles { get; }

    public IReadOnlyList<string> BlobContainers { get; }

    /// <summary>Server-side dashboard sessions (table).</summary>
    public string Sessions { get; }

    /// <summary>The dashboard's ASP.NET Core data-protection keys, shared by every instance (blob container).</summary>
    public string DataProtectionKeys { get; }

    /// <summary>Queue of <see cref="ScoreRequest"/> messages.</summary>
    public string ScoreRequests { get; }

    /// <summary>Queue of messages that could not be processed (same naming as Azure Functions' poison queues).</summary>
    public string ScoreRequestsPoison { get; }

    public string WebhookEvents { get; }

    public string ScoreHistory { get; }

    public string LastScores { get; }

    /// <summary>What each lead was last scored from (allow-listed HubSpot properties, no PII): the decay pass rescores from it.</summary>
    public string LeadSnapshots { get; }

    /// <summary>The latest score per contact in score order (the dashboard's lead list and call queue; ids and codes only).</summary>
    public string LeadIndex { get; }

    /// <summary>The same entries by contact id (lookups, and which <see cref="LeadIndex"/> row is current).</summary>
    public string LeadIndexById { get; }

    public string Enrollments { get; }

    public string Checkpoints { get; }

    public string PipelineErrors { get; }

    /// <summary>Hand-classified training records (table).</summary>
    public string TrainingRecords { get; }

    /// <summary>Embeddings of the training records for the similarity index (table).</summary>
    public string TrainingVectors { get; }

    public IReadOnlyList<string> Queues { get; }

    public IReadOnlyList<string> Tables { get; }

    [GeneratedRegex(@"^[a-z][a-z0-9]{0,11}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
