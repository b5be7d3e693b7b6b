using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>Where a Decay run is (it continues as new every few pages so its history stays small).</summary>
/// <param name="PageSize">Snapshots rescored per activity (1–1,000).</param>
public sealed record DecayState(DateTimeOffset Started, int PageSize, ActivityRetry Retry, string? Continuation = null, int Examined = 0, int Changed = 0, int Written = 0, int Failed = 0);

/// <summary>What a decay pass did: leads rescored from their snapshots, those whose visible score changed, and those written.</summary>
public sealed record DecayResult(int Examined, int Changed, int Written, int Failed, DateTimeOffset Started);

/// <summary>
/// Decay: every lead's snapshot, a page at a time, rescored as of now; changed scores written (the only HubSpot
/// calls: ≤ 100 contacts per batch update, plus a workflow enrolment for a lead that decays into High — rare, since
/// decay lowers scores). One instance at a time (<see cref="InstanceId"/>).
/// </summary>
public sealed class DecayOrchestration(LeadDecay decay)
{
    public const string InstanceId = "decay";

    internal const int PagesPerGeneration = 10;

    [Function(nameof(Decay))]
    public static async Task<DecayResult?> Decay([OrchestrationTrigger] TaskOrchestrationContext context, DecayState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        var policy = state.Retry;
        var retry = policy.ToTaskOptions();
        var continuation = state.Continuation;
        for (var page = 0; page < PagesPerGeneration; page++)
        {
            DecayPageOutcome outcome;
            try
            {
                outcome = await context.CallAsync<DecayPageOutcome>(nameof(DecayLeads), new DecayPageQuery(continuation, state.PageSize), retry, policy);
            }
            catch (TaskFailedException ex)
            {
                // Nothing is lost by stopping: the snapshots stay, and the next pass (or a webhook) rescores these leads.
                throw new InvalidOperationException($"The decay pass stopped after {state.Examined} leads: {ex.FailureDetails.ErrorMessage}", ex);
            }

            if (outcome.High.Length > 0)
            {
                await context.CallAsync(nameof(ScoreLeadsOrchestration.EnrollHighLeads), outcome.High, retry, policy);
            }

            if (outcome.Failed.Length > 0)
            {
                await context.CallAsync(nameof(ScoreLeadsOrchestration.GiveUpOnLeads), outcome.Failed, retry, policy);
            }

            state = state with
            {
                Continuation = outcome.Continuation,
                Examined = state.Examined + outcome.Examined,
                Changed = state.Changed + outcome.Changed,
                Written = state.Written + outcome.Written,
                Failed = state.Failed + outcome.Failed.Length,
            };
            continuation = outcome.Continuation;
            if (continuation is null)
            {
                return new DecayResult(state.Examined, state.Changed, state.Written, state.Failed, state.Started);
            }
        }

        context.ContinueAsNew(state);
        return null;
    }

    [Function(nameof(DecayLeads))]
    public async Task<DecayPageOutcome> DecayLeads([ActivityTrigger] DecayPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var lane = HubSpotWork.Enter(HubSpotWorkLane.Batch);
        return await decay.RunPageAsync(query.Continuation, query.Take, cancellationToken);
    }
}

/// <summary>A page of the decay pass: where it starts and how many snapshots.</summary>
public sealed record DecayPageQuery(string? Continuation, int Take);
