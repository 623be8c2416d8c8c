@testable import AuthCore
import ReelPluginKit
import XCTest

final class ValidationTests: XCTestCase {
    func testEmailsAreTrimmedAndLowerCased() throws {
        XCTAssertEqual(try Validation.email("  Ada.Lovelace@Example.COM "), "ada.lovelace@example.com")
        XCTAssertEqual(try Validation.email("a+tag@sub.example.org"), "a+tag@sub.example.org")
    }

    func testMalformedEmailsAreRefused() {
        for email in ["", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a da@example.com",
                      "ada@example..com", "ada@.example.com", "ada@example.com.", "ada@-example.com",
                      String(repeating: "a", count: 250) + "@example.com"] {
            XCTAssertThrowsError(try Validation.email(email), email) { error in
                XCTAssertEqual((error as? PluginError)?.message, "email must look like name@example.com")
            }
        }
    }

    func testDisplayNamesAreOneToEightyCharacters() throws {
        XCTAssertEqual(try Validation.displayName("  Ada  "), "Ada")
        XCTAssertEqual(try Validation.displayName(String(repeating: "é", count: 80)).count, 80)
        XCTAssertEqual(try Validation.displayName("🎬 Zoë").count, 5)
        for name in ["", "   ", String(repeating: "x", count: 81), "tab\there"] {
            XCTAssertThrowsError(try Validation.displayName(name), name)
        }
    }

    func testPasswordLengthIsCountedInCharacters() throws {
        XCTAssertThrowsError(try Validation.password("123456789", email: "ada@example.com"))
        XCTAssertNoThrow(try Validation.password("1234567890", email: "ada@example.com"))
        XCTAssertNoThrow(try Validation.password(String(repeating: "é", count: 10), email: "ada@example.com"))
        XCTAssertNoThrow(try Validation.password(String(repeating: "x", count: 256), email: "ada@example.com"))
        XCTAssertThrowsError(try Validation.password(String(repeating: "x", count: 257), email: "ada@example.com"))
    }

    func testPasswordMayNotBeTheEmailOrItsLocalPart() {
        for password in ["ADA.LOVELACE@example.com", "ada.lovelace@EXAMPLE.com", "Ada.Lovelace"] {
            XCTAssertThrowsError(try Validation.password(password, email: "ada.lovelace@example.com"), password) { error in
                XCTAssertEqual((error as? PluginError)?.code, PluginError.invalidArgument("").code)
            }
        }
        XCTAssertNoThrow(try Validation.password("ada.lovelace!", email: "ada.lovelace@example.com"))
    }

    func testUserIDsAndRoles() throws {
        XCTAssertEqual(try Validation.userID("9F1C2D3E-0000-4000-8000-00000000000A"), "9f1c2d3e-0000-4000-8000-00000000000a")
        XCTAssertThrowsError(try Validation.userID("not-a-uuid"))
        XCTAssertEqual(try Validation.role("creator"), .creator)
        XCTAssertThrowsError(try Validation.role("Admin"))
        XCTAssertThrowsError(try Validation.role("owner"))
    }
}
