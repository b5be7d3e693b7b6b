using System.Text.Json;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Pipeline;
using LeadScoring.Functions.Hosting;
using LeadScoring.Functions.Orchestrations;
using LeadScoring.Functions.Security;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// Operating the product (Admin unless noted): start a batch rescore or a retraining, see the orchestrations and why
/// one failed, the models (Admin, Manager), promote or roll back a model.
/// </summary>
internal sealed class AdminFunctions(ModelInUse model, ModelRegistry registry, IOptions<PipelineOptions> pipeline, TimeProvider clock)
{
    /// <summary>How long <c>POST /api/admin/retrain</c> waits for the card before answering 202 with where to look.</summary>
    public static readonly TimeSpan RetrainWait = TimeSpan.FromSeconds(100);

    /// <summary>The input of a new BatchRescore run.</summary>
    internal static BatchRescoreState NewRescore(DateTimeOffset now, PipelineOptions options, bool wholePortal = false) =>
        new(now, Math.Clamp(options.BatchRescoreChunk, 1, HubSpotClient.AssociationBatchSize), ActivityRetry.From(options), wholePortal);

    /// <summary>
    /// Starts the batch rescore (unless it runs already) and answers 202 at once: a whole portal takes minutes.
    /// <c>?scope=portal</c> rescores every contact (after a scoring change); the default, <c>modified</c>, those
    /// modified since the checkpoint.
    /// </summary>
    [Function("AdminRescore")]
    public async Task<IResult> RescoreAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/rescore")] HttpRequest request, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        var scope = request.Query["scope"].ToString();
        if (scope is not ("" or "modified" or "portal"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid scope",
                detail: $"Query parameter 'scope' must be 'modified' (the default) or 'portal', not '{scope}'.");
        }

        var (started, running) = await durable.StartUnlessRunningAsync(
            nameof(BatchRescoreOrchestration.BatchRescore), BatchRescoreOrchestration.InstanceId, NewRescore(clock.GetUtcNow(), pipeline.Value, scope == "portal"), cancellationToken);
        return Accepted(BatchRescoreOrchestration.InstanceId, started, running);
    }

    /// <summary>The input of a new Decay pass.</summary>
    internal static DecayState NewDecay(DateTimeOffset now, PipelineOptions options) =>
        new(now, Math.Clamp(options.BatchRescoreChunk, 1, 1000), ActivityRetry.From(options));

    /// <summary>Starts the decay pass (unless it runs already) and answers 202: see its output at the orchestration's address.</summary>
    [Function("AdminDecay")]
    public async Task<IResult> DecayAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/decay")] HttpRequest request, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        var (started, running) = await durable.StartUnlessRunningAsync(nameof(DecayOrchestration.Decay), DecayOrchestration.InstanceId, NewDecay(clock.GetUtcNow(), pipeline.Value), cancellationToken);
        return Accepted(DecayOrchestration.InstanceId, started, running);
    }

    /// <summary>Starts a retraining (unless one runs) and answers with its model card when it finishes within <see cref="RetrainWait"/>.</summary>
    [Function("AdminRetrain")]
    public async Task<IResult> RetrainAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/retrain")] HttpRequest request, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        var (started, running) = await durable.StartUnlessRunningAsync(nameof(RetrainOrchestration.Retrain), RetrainOrchestration.InstanceId, new RetrainRequest(), cancellationToken);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(RetrainWait);
        OrchestrationMetadata done;
        try
        {
            done = await durable.WaitForInstanceCompletionAsync(RetrainOrchestration.InstanceId, getInputsAndOutputs: true, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Accepted(RetrainOrchestration.InstanceId, started, running);
        }

        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<ModelCard>() is not { } card)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Retraining failed",
                detail: done.FailureDetails?.ErrorMessage ?? $"The retrain orchestration ended {done.RuntimeStatus}.");
        }

        await model.RefreshAsync(cancellationToken);
        return TypedResults.Json(card, LearningJsonContext.Default.ModelCard);
    }

    /// <summary>Orchestrations of the last 24 hours (newest first), or only those in <c>?status=Failed</c> (any runtime status).</summary>
    [Function("AdminOrchestrations")]
    public async Task<IResult> OrchestrationsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/orchestrations")] HttpRequest request, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        IEnumerable<OrchestrationRuntimeStatus>? statuses = null;
        if (request.Query["status"].FirstOrDefault() is { } status)
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"'{status}' is not one of {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}"] });
            }

            statuses = [parsed];
        }

        var query = new OrchestrationQuery { CreatedFrom = clock.GetUtcNow().AddDays(-1), Statuses = statuses, PageSize = 100, FetchInputsAndOutputs = false };
        var views = new List<OrchestrationView>();
        await foreach (var instance in durable.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            views.Add(View(instance));
            if (views.Count == 200)
            {
                break;
            }
        }

        return TypedResults.Json<IReadOnlyList<OrchestrationView>>([.. views.OrderByDescending(v => v.CreatedAt)], PipelineJsonContext.Default.IReadOnlyListOrchestrationView);
    }

    [Function("AdminOrchestration")]
    public static async Task<IResult> OrchestrationAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/orchestrations/{instanceId}")] HttpRequest request, string instanceId,
        [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        if (instanceId.Length > 100 || !instanceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':'))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["instanceId"] = ["is not an orchestration instance id (letters, digits, - _ :; at most 100)"] });
        }

        return await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is { } instance
            ? TypedResults.Json(View(instance), PipelineJsonContext.Default.OrchestrationView)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No orchestration {instanceId}.");
    }

    /// <summary>The model in use, a pinned version and every card, newest first (Admin, Manager).</summary>
    [Function("Models")]
    public async Task<IResult> ModelsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/models")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        return TypedResults.Json(await model.OverviewAsync(cancellationToken), LearningJsonContext.Default.ModelsOverview);
    }

    /// <summary>An operator's override, e.g. for a candidate the automatic rules refused; it is recorded on the card.</summary>
    [Function("AdminModelPromote")]
    public async Task<IResult> PromoteAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/models/{version}/promote")] HttpRequest request, string version, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        // The same rule as LEAD_SCORE_MODEL_VERSION; anything else cannot be a model's version (a 2,000-character one
        // used to reach the table and come back as 409).
        if (version.Length is 0 or > 64 || !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["must be 1–64 characters of letters, digits, '.', '-' or '_' (e.g. m20261124-141503-417)"] });
        }

        try
        {
            await registry.PromoteAsync(version, "promoted by an administrator", cancellationToken);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return TypedResults.Problem(statusCode: ex is KeyNotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, title: "Cannot promote that model", detail: ex.Message);
        }

        await model.RefreshAsync(cancellationToken);
        return TypedResults.Json(await model.OverviewAsync(cancellationToken), LearningJsonContext.Default.ModelsOverview);
    }

    [Function("AdminModelRollback")]
    public async Task<IResult> RollbackAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/models/rollback")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.Administer) is { } denied)
        {
            return denied;
        }

        try
        {
            await registry.RollbackAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to roll back", detail: ex.Message);
        }

        await model.RefreshAsync(cancellationToken);
        return TypedResults.Json(await model.OverviewAsync(cancellationToken), LearningJsonContext.Default.ModelsOverview);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<OrchestrationStarted> Accepted(string instanceId, bool started, OrchestrationMetadata? running)
    {
        var uri = $"/api/admin/orchestrations/{instanceId}";
        return TypedResults.Json(
            new OrchestrationStarted(instanceId, started, started ? "Started" : running!.RuntimeStatus.ToString(), uri),
            PipelineJsonContext.Default.OrchestrationStarted, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The orchestrations' custom status is a JSON string (e.g. waiting for HubSpot's daily limit).</summary>
    private static string? CustomStatus(string? serialized)
    {
        if (string.IsNullOrEmpty(serialized))
        {
            return null;
        }

        using var document = JsonDocument.Parse(serialized);
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.String => document.RootElement.GetString(),
            JsonValueKind.Null => null,
            _ => serialized,
        };
    }

    private static OrchestrationView View(OrchestrationMetadata instance)
    {
        JsonElement? output = null;
        if (instance.IsCompleted && instance.SerializedOutput is { Length: > 0 } json)
        {
            using var document = JsonDocument.Parse(json);
            output = document.RootElement.Clone();
        }

        return new OrchestrationView(instance.InstanceId, instance.Name, instance.RuntimeStatus.ToString(), instance.CreatedAt, instance.LastUpdatedAt,
            instance.FailureDetails is { } failure ? $"{failure.ErrorType}: {failure.ErrorMessage}" : null, output,
            CustomStatus(instance.SerializedCustomStatus));
    }
}
