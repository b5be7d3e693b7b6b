using System.Security.Claims;
using System.Text.Json;
using LeadScoring.Core;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training;
using LeadScoring.Functions.Hosting;
using LeadScoring.Functions.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// <c>/api/training-records</c>: managers classify example leads (POST one, POST /import a CSV, GET pages, DELETE one,
/// POST /{id}/undo). A contact has one record: classifying it again replaces it (201 either way, the record's id is
/// <c>c{contactId}</c>), and undo puts back the version before. Validation errors name the field (or the CSV row and
/// column); an import is all or nothing.
/// </summary>
internal sealed class TrainingRecordsFunction(TrainingRecordService service)
{
    public const long MaxRecordBytes = 64 * 1024;
    public const long MaxImportBytes = 5 * 1024 * 1024;

    [Function("CreateTrainingRecord")]
    public async Task<IResult> CreateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/training-records")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        var http = request.HttpContext;
        if (!http.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the training record as JSON.");
        }

        if (await RequestBody.ReadAsync(http, MaxRecordBytes, cancellationToken) is not { } body)
        {
            return TooLarge(MaxRecordBytes);
        }

        TrainingRecordInput? input;
        try
        {
            input = JsonSerializer.Deserialize(body, TrainingJsonContext.Default.TrainingRecordInput);
        }
        catch (JsonException ex)
        {
            return Invalid([new ValidationError(JsonErrors.FieldOf(ex), JsonErrors.Describe(ex))]);
        }

        if (input is null)
        {
            return Invalid([new ValidationError("$", "the body must be a JSON object")]);
        }

        try
        {
            var (record, errors) = await service.CreateAsync(input, Caller(http), cancellationToken);
            return record is null ? Invalid(errors) : TypedResults.Json(record, TrainingJsonContext.Default.TrainingRecord, statusCode: StatusCodes.Status201Created);
        }
        catch (Exception ex) when (Unavailable.IsStorage(ex))
        {
            return Unavailable.Storage(http, "the training record was not stored (nothing was written)");
        }
        catch (Exception ex) when (Unavailable.IsHubSpot(ex, cancellationToken))
        {
            return Unavailable.HubSpot(http, ex, "Reading the contact's features");
        }
    }

    [Function("ImportTrainingRecords")]
    public async Task<IResult> ImportAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/training-records/import")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        var http = request.HttpContext;
        if (http.Request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send the CSV with Content-Type: text/csv.");
        }

        if (await RequestBody.ReadAsync(http, MaxImportBytes, cancellationToken) is not { } body)
        {
            return TooLarge(MaxImportBytes);
        }

        try
        {
            var (imported, errors) = await service.ImportCsvAsync(body, Caller(http), cancellationToken);
            return errors.Count > 0 ? Invalid(errors) : TypedResults.Ok(new Dictionary<string, int> { ["imported"] = imported });
        }
        catch (Exception ex) when (Unavailable.IsStorage(ex))
        {
            return Unavailable.Storage(http, "nothing was imported (no record was written)");
        }
        catch (Exception ex) when (Unavailable.IsHubSpot(ex, cancellationToken))
        {
            return Unavailable.HubSpot(http, ex, "Looking up the rows' contact ids");
        }
    }

    [Function("ListTrainingRecords")]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/training-records")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        var errors = new List<ValidationError>();
        var classification = request.Query["classification"].FirstOrDefault();
        var continuationToken = request.Query["continuationToken"].FirstOrDefault();
        int? pageSize = null;
        if (request.Query["pageSize"].FirstOrDefault() is { } size)
        {
            if (int.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                pageSize = parsed;
            }
            else
            {
                errors.Add(new("pageSize", $"must be a whole number 1–500 (got '{size}')"));
            }
        }

        var kind = classification is null ? null : TrainingRecordValidator.TryClassify(classification);
        if (classification is not null && kind is null)
        {
            errors.Add(new("classification", $"'{classification}' is not Ideal or LessIdeal"));
        }

        if (pageSize is < 1 or > 500)
        {
            errors.Add(new("pageSize", $"must be 1–500 (got {pageSize})"));
        }

        // A made-up token would otherwise be read as "start after this key" and answer an empty page as if it were the end.
        if (continuationToken is not null && !TrainingRecordStore.IsContinuationToken(continuationToken))
        {
            errors.Add(new("continuationToken", "is not a token from a previous page: pass the continuationToken of the last answer unchanged, or leave it out for the first page"));
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        try
        {
            var page = await service.ListAsync(kind, pageSize ?? 50, continuationToken, cancellationToken);
            return TypedResults.Json(page, TrainingJsonContext.Default.TrainingRecordPage);
        }
        catch (Exception ex) when (Unavailable.IsStorage(ex))
        {
            return Unavailable.Storage(request.HttpContext, "the training records could not be read");
        }
    }

    [Function("DeleteTrainingRecord")]
    public Task<IResult> DeleteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/training-records/{id}")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        OnRecordAsync(request, id, "the training record was not deleted", async () => await service.DeleteAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No training record {id}."));

    [Function("UndoTrainingRecord")]
    public Task<IResult> UndoAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/training-records/{id}/undo")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        OnRecordAsync(request, id, "the undo may be partly done: undo again, or check the record", async () =>
        {
            var (found, current) = await service.UndoAsync(id, cancellationToken);
            return !found ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No training record {id}, and nothing to undo.")
                : current is null ? TypedResults.NoContent()
                : TypedResults.Json(current, TrainingJsonContext.Default.TrainingRecord);
        });

    /// <summary>One record's route: the caller's policy, the id's shape, then <paramref name="act"/>; storage down → 503 saying <paramref name="unavailable"/>.</summary>
    private static async Task<IResult> OnRecordAsync(HttpRequest request, string id, string unavailable, Func<Task<IResult>> act)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        if (!IsRecordId(id))
        {
            return Invalid([new ValidationError("id", "is not a training record id")]);
        }

        try
        {
            return await act();
        }
        catch (Exception ex) when (Unavailable.IsStorage(ex))
        {
            return Unavailable.Storage(request.HttpContext, unavailable);
        }
    }

    private static bool IsRecordId(string id) => id.Length <= 64 && id.All(char.IsAsciiLetterOrDigit);

    private static string Caller(HttpContext http) => http.User.FindFirstValue(ClaimTypes.Role) ?? "unknown";

    private static ValidationProblem Invalid(IReadOnlyList<ValidationError> errors) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), title: "The training record is invalid.");

    private static ProblemHttpResult TooLarge(long limit) =>
        RequestBody.TooLarge(limit, limit == MaxImportBytes ? "A training-record CSV import" : "A training record");
}
