using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// The CI stub says what ../shared/ATAS-API.md says (the points the strategy once got wrong),
    /// and the simulated ATAS offers exactly the stub's public and protected surface, so the
    /// scenarios exercise the strategy against the API it is compiled against.
    /// </summary>
    public static class StubChecks
    {
        private const BindingFlags Members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        public static void Run(TestHarness t)
        {
            var dir = Path.GetDirectoryName(typeof(StubChecks).Assembly.Location);
            var stub = Assembly.LoadFrom(Path.Combine(dir, "AtasStub.dll"));
            var sim = Assembly.LoadFrom(Path.Combine(dir, "SimAtas.dll"));

            t.Check("ATAS stub: nullability, accessibility and members as ATAS-API.md gives them", () =>
            {
                var security = stub.GetType("ATAS.DataFeedsCore.Security", true);
                foreach (var name in new[] { "LotMinSize", "LotMaxSize", "LastTradePrice", "MarkPrice" })
                    TestHarness.Equal(typeof(decimal?), security.GetProperty(name).PropertyType, "Security." + name);
                var strategy = stub.GetType("ATAS.Strategies.Chart.ChartStrategy", true);
                foreach (var name in new[] { "OpenOrderAsync", "ModifyOrderAsync", "CancelOrderAsync", "StopWithNotification" })
                    TestHarness.True(strategy.GetMethod(name, Members).IsPublic, "ChartStrategy." + name + " is public");
                TestHarness.True(strategy.GetProperty("LoggingLevel") != null, "ChartStrategy.LoggingLevel");
                var order = stub.GetType("ATAS.DataFeedsCore.Order", true);
                TestHarness.True(!order.GetProperty("Canceled").CanWrite, "Order.Canceled is get-only");
                TestHarness.True(Enum.GetNames(stub.GetType("ATAS.DataFeedsCore.OrderTypes", true)).Contains("Unknown"), "OrderTypes.Unknown");
                TestHarness.True(!Enum.GetNames(stub.GetType("ATAS.DataFeedsCore.OrderStates", true)).Contains("Canceled"), "OrderStates has no Canceled");
            });

            t.Check("simulated ATAS: the same public and protected members as the stub", () =>
            {
                foreach (var type in stub.GetExportedTypes())
                {
                    var twin = sim.GetType(type.FullName);
                    TestHarness.True(twin != null, type.FullName + " missing in the simulation");
                    var expected = Surface(type);
                    var actual = Surface(twin);
                    var missing = expected.Except(actual).ToList();
                    var extra = actual.Except(expected).ToList();
                    TestHarness.True(missing.Count == 0 && extra.Count == 0, type.FullName + ": missing " + string.Join("; ", missing) + " | extra " + string.Join("; ", extra));
                }
            });
        }

        private static string[] Surface(Type type)
        {
            if (type.IsEnum) return Enum.GetNames(type).Select(n => n + "=" + Convert.ToInt64(Enum.Parse(type, n))).ToArray();
            var methods = type.GetMethods(Members).Where(Visible).Where(m => !m.IsSpecialName)
                .Select(m => Access(m) + " " + m.ReturnType + " " + m.Name + "(" + string.Join(",", m.GetParameters().Select(p => p.ParameterType)) + ")");
            var properties = type.GetProperties(Members)
                .Select(p => p.PropertyType + " " + p.Name + " {" + Accessor("get", p.GetGetMethod(true)) + Accessor("set", p.GetSetMethod(true)) + "}")
                .Where(s => !s.EndsWith(" {}"));
            var ctors = type.GetConstructors(Members).Where(Visible).Select(c => Access(c) + " ctor(" + string.Join(",", c.GetParameters().Select(p => p.ParameterType)) + ")");
            return methods.Concat(properties).Concat(ctors).OrderBy(s => s).ToArray();
        }

        private static bool Visible(MethodBase m) { return m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly; }

        private static string Access(MethodBase m) { return (m.IsPublic ? "public" : "protected") + (m.IsAbstract ? " abstract" : m.IsVirtual && !m.IsFinal ? " virtual" : ""); }

        private static string Accessor(string kind, MethodInfo m) { return m != null && Visible(m) ? " " + Access(m) + " " + kind + ";" : ""; }
    }
}
