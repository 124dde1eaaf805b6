export const sessionRoom = (id: string) => `session:${id}`;
export const userRoom = (id: string) => `user:${id}`;
export const conversationRoom = (id: string) => `conv:${id}`;
