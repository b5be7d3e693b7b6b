namespace LeadScoring.Core.Pipeline;

/// <summary>
/// How the scoring work runs inside the orchestrations. Queue polling, batch sizes, visibility and poison handling
/// belong to the Functions host (host.json <c>extensions.queues</c>), not to these.
/// </summary>
public sealed class PipelineOptions
{
    /// <summary>Leads scored at the same time inside one batch (the optional AI analyst may take seconds per lead).</summary>
    public int MaxParallelLeads { get; set; } = 8;

    /// <summary>Re-read contacts modified this long before the checkpoint too: HubSpot's search index lags by seconds.</summary>
    public TimeSpan CheckpointOverlap { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Contacts the batch rescore gathers, scores and writes in one activity (1–1,000). Bigger chunks share HubSpot's
    /// batch reads better (≈ 18 calls per 100 contacts at 100, ≈ 13 at 500, ≈ 12 at 800, with the emulator's
    /// engagement density); 800 — four 200-contact search pages — keeps one activity to about 5 s at 190 requests /
    /// 10 s and 10 s at 100.
    /// </summary>
    public int BatchRescoreChunk { get; set; } = 800;

    /// <summary>
    /// A contact whose lastmodifieddate is at most this long after the modification time HubSpot gave our own
    /// write-back is taken to be unchanged since (HubSpot may touch a record again right after a write, e.g. for
    /// calculated properties). A user's edit inside the window is not lost: its webhook scores it.
    /// </summary>
    public TimeSpan OwnWriteEchoWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Webhook work arriving within this window shares one ScoreLeads orchestration (up to 100 contacts): fewer HubSpot
    /// calls and task-hub writes per lead, at the cost of this much latency.
    /// </summary>
    public TimeSpan WebhookBatchWindow { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts of an orchestration activity before its leads go to the poison queue (HubSpot's own 429s and
    /// blips are retried inside the client first; this covers what outlasts them, and a crash mid-activity).</summary>
    public int ActivityMaxAttempts { get; set; } = 6;

    /// <summary>Wait before an activity's first retry; doubled each time up to <see cref="ActivityMaxRetryInterval"/>.</summary>
    public TimeSpan ActivityFirstRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ActivityMaxRetryInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>While HubSpot's daily limit is spent, how often a waiting orchestration tries again (its activity fails
    /// fast, without calling HubSpot, until the portal's midnight).</summary>
    public TimeSpan DailyLimitProbeInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A Pending enrolment younger than this is someone else's attempt in progress; older, it is resolved by asking HubSpot.</summary>
    public TimeSpan EnrollmentClaimTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
