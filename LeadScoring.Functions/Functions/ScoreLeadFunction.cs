using LeadScoring.Core;
using LeadScoring.Core.AI;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training;
using LeadScoring.Functions.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace LeadScoring.Functions.Functions;

/// <summary><c>POST /api/score</c>: a LeadFeatures document in, a LeadScore out. Scores on demand; stores nothing.</summary>
internal sealed class ScoreLeadFunction(LeadScorer scorer, SimilarLeads similar, ILeadAnalyst analyst, TimeProvider clock)
{
    /// <summary>A features document is about 1 KB; anything near this is not one.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    [Function("ScoreLead")]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/score")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        var http = request.HttpContext;
        if (!http.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the lead features as JSON with Content-Type: application/json.");
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes; // also stops chunked bodies that never declared a length
        }

        IReadOnlyList<ValidationError> errors;
        LeadFeatures? features;
        try
        {
            (features, errors) = await LeadFeaturesReader.ReadAsync(http.Request.Body, clock, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        if (features is null)
        {
            return TypedResults.ValidationProblem(
                errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "The lead features are invalid.");
        }

        var neighbours = await similar.FindAsync(features, contactId: null, cancellationToken);
        var score = scorer.Score(features, neighbours);
        var verdict = await analyst.AnalyzeAsync(features, score, neighbours, cancellationToken);
        return TypedResults.Json(AnalystVerdictApplier.Apply(score, verdict, scorer.Profile), ScoringJsonContext.Default.LeadScore);
    }

    private static ProblemHttpResult TooLarge() => Hosting.RequestBody.TooLarge(MaxBodyBytes, "A lead features document");
}
