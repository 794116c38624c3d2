using Flock.Messages;
using Flock.Messages.Jobs;
using Microsoft.AspNetCore.Http;

namespace Flock.Seed.Api;

/// <summary>Every API error is one line in an <see cref="ErrorResponse"/>, serialized like every other wire message.</summary>
internal static class ApiResults
{
    public static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), WireJson.Options, statusCode: status);

    public static IResult Ok<T>(T value, int status = 200) => Results.Json(value, WireJson.Options, statusCode: status);
}
