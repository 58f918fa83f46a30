import Testing
import Dispatch
import Foundation
@testable import Feeds

@Test func inboxKeepsEveryMessageFromManyQueuesInPerSourceOrder() {
    let inbox = Inbox()
    let group = DispatchGroup()
    for source in 0..<4 {
        DispatchQueue(label: "source-\(source)").async(group: group) {
            for line in 0..<500 { inbox.post(.output(SourceID("s\(source)"), "\(line)")) }
        }
    }
    group.wait()
    var pollfd = Foundation.pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
    #expect(poll(&pollfd, 1, 0) == 1, "wake descriptor must be readable after posts")
    let messages = inbox.drain()
    #expect(messages.count == 2000)
    for source in 0..<4 {
        let lines = messages.compactMap { message -> Int? in
            if case .output(let id, let text) = message, id.rawValue == "s\(source)" { return Int(text) }
            return nil
        }
        #expect(lines == Array(0..<500))
    }
    #expect(inbox.drain().isEmpty)
    #expect(poll(&pollfd, 1, 0) == 0, "wake descriptor must be quiet after a drain")
}
