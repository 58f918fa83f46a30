// The facts a feed posts (`FeedMessage`, `SourceID`, `SourceState`, `FeedControl`) live in the
// pure `RunModel` target, so the monitor can speak them without depending on the feeds. Code
// that starts feeds sees them through this module too.
@_exported import RunModel
