namespace LeadScoring.Core;

/// <summary>A problem with one input field or setting, named the way the caller wrote it.</summary>
/// <param name="Field">JSON field path (e.g. <c>emailOpens</c>, <c>weights.fit</c>) or setting name.</param>
public sealed record ValidationError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown when input fails validation; carries every problem found, not just the first.</summary>
internal sealed class InputValidationException(string subject, IReadOnlyList<ValidationError> errors)
    : Exception($"{subject} is invalid: {string.Join("; ", errors)}")
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
