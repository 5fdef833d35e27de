// The LoggingLevel of ChartStrategy.RaiseShowNotification (shared/ATAS-API.md). Its namespace,
// Utils.Common.Logging (Utils.Common.dll), and the Warning member are those the public ATAS
// strategy samples use. Compile-only.
namespace Utils.Common.Logging
{
    public enum LoggingLevel
    {
        Info,
        Warning,
    }
}
