namespace Flock.Actors;

/// <summary>
/// Recipe for an actor. A factory rather than an instance because a restart must build a fresh instance
/// (the failed one's state is suspect), and the factory closure is the natural place to capture dependencies.
/// </summary>
public sealed class Props
{
    private Props(Func<Actor> factory, SupervisorStrategy? supervisorStrategy)
    {
        Factory = factory;
        SupervisorStrategy = supervisorStrategy;
    }

    internal Func<Actor> Factory { get; }

    /// <summary>Strategy applied to the children of the actor created from these props; null means <see cref="Actors.SupervisorStrategy.Default"/>.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>The factory must return a new instance on every call.</summary>
    public static Props Create(Func<Actor> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, null);
    }

    public static Props Create<TActor>() where TActor : Actor, new() => new(() => new TActor(), null);

    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props(Factory, strategy);
    }
}
