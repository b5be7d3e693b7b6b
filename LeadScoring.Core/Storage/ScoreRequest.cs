namespace LeadScoring.Core.Storage;

public enum ScoreRequestKind
{
    Contact,
    Company,
    Deal,

    /// <summary>HubSpot asked to forget this contact (GDPR privacy deletion): delete what we stored about it.</summary>
    Forget,
}

/// <summary>One unit of work on the queue: score this contact, or fan out this company's/deal's contacts.</summary>
/// <param name="ObjectId">The HubSpot id of the contact, company or deal.</param>
/// <param name="Reason">A short code (e.g. <c>webhook</c>, <c>batch</c>); never free text about the person.</param>
public sealed record ScoreRequest(ScoreRequestKind Kind, string ObjectId, string Reason, DateTimeOffset RequestedAt);

/// <summary>A message taken from the queue; <see cref="Request"/> is null when the body is not a valid <see cref="ScoreRequest"/>.</summary>
/// <param name="RawBody">The decoded message text, as it goes to the poison queue.</param>
public sealed record ReceivedScoreRequest(ScoreRequest? Request, string MessageId, string PopReceipt, long DequeueCount, string RawBody);
