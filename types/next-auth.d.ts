import "next-auth";
import "next-auth/jwt";

// The session epoch travels from sign-in (User) through the JWT to the session, where the
// request's user is loaded and compared with the person's current epoch.
declare module "next-auth" {
  interface User {
    sessionEpoch?: number;
  }
  interface Session {
    epoch?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    epoch?: number;
  }
}
