using LeadScoring.Core.Learning.Retraining;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>
/// Retrain: point-in-time dataset → candidate → judged against the model in use → promoted or refused, on the model
/// card. One activity: the dataset and the trained model are far too big for task-hub payloads, so they stay inside
/// it (the model goes to Blob storage, the card to the Models table); the orchestration gives the run a fixed instance
/// id (one at a time), a status the admin can read, and a retry after a crash.
/// </summary>
public sealed class RetrainOrchestration(Retrainer retrainer)
{
    public const string InstanceId = "retrain";

    [Function(nameof(Retrain))]
    public static async Task<ModelCard> Retrain([OrchestrationTrigger] TaskOrchestrationContext context, RetrainRequest? request)
    {
        ArgumentNullException.ThrowIfNull(context);
        request ??= new RetrainRequest();
        return await context.CallActivityAsync<ModelCard>(nameof(TrainAndJudgeCandidate), request,
            TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 2, firstRetryInterval: TimeSpan.FromSeconds(10))));
    }

    [Function(nameof(TrainAndJudgeCandidate))]
    public Task<ModelCard> TrainAndJudgeCandidate([ActivityTrigger] RetrainRequest request, CancellationToken cancellationToken) =>
        retrainer.RunAsync(request, cancellationToken);
}
