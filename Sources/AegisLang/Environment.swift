// Variable scopes. The global environment is the workspace (what `who` lists); each call of a
// user function gets a fresh scope whose parent is the function's defining scope (closures).
// Blocks (if/for/while) do not open scopes, as in Python: a loop variable outlives its loop.

/// A scope of variables with an optional enclosing scope.
public final class Environment {
  /// The enclosing scope; nil for the globals.
  public let enclosing: Environment?
  private var values: [String: Value] = [:]

  /// Creates a scope inside `enclosing` (nil for a global scope).
  public init(enclosing: Environment? = nil) {
    self.enclosing = enclosing
  }

  /// Whether this is the global (workspace) scope.
  public var isGlobal: Bool { enclosing == nil }

  /// The value of `name` here or in an enclosing scope.
  public func lookup(_ name: String) -> Value? {
    var scope: Environment? = self
    while let s = scope {
      if let v = s.values[name] { return v }
      scope = s.enclosing
    }
    return nil
  }

  /// Binds `name` in this scope.
  public func define(_ name: String, _ value: Value) { values[name] = value }

  /// Removes `name` from this scope.
  public func remove(_ name: String) { values[name] = nil }

  /// Assignment: updates the nearest scope that has `name`, but never rebinds a global from
  /// inside a function (that creates a local instead, so functions cannot clobber the workspace).
  public func assign(_ name: String, _ value: Value) {
    var scope: Environment? = self
    while let s = scope, !s.isGlobal || isGlobal {
      if s.values[name] != nil {
        s.values[name] = value
        return
      }
      scope = s.enclosing
    }
    values[name] = value
  }

  /// Names bound in this scope, sorted.
  public var names: [String] { values.keys.sorted() }

  /// Names visible from here (this scope and enclosing ones).
  public var visibleNames: [String] {
    var all = Set<String>()
    var scope: Environment? = self
    while let s = scope {
      all.formUnion(s.values.keys)
      scope = s.enclosing
    }
    return all.sorted()
  }
}

/// A user function: a `def` plus the scope it was defined in.
public final class UserFunction {
  /// The parsed declaration.
  public let declaration: FunctionDecl
  /// The defining scope (captured for closures).
  public let closure: Environment

  /// Creates a closure.
  public init(declaration: FunctionDecl, closure: Environment) {
    self.declaration = declaration
    self.closure = closure
  }
}
